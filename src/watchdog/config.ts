/**
 * The watchdog's config file on the server (~/.trainyard/watchdog/config, 0600): key=value
 * lines that watchdog.sh reads without evaluating them. The webhook URL lives only there.
 */

export type WebhookFormat = 'auto' | 'text' | 'slack';

export interface WatchdogConfig {
  /** Seconds between two looks (whole seconds, at least 1). */
  intervalSeconds: number;
  /** A live run whose GPUs stay under gpuIdlePercent this long is "stalled". */
  stallSeconds: number;
  /** A live run whose log is not written this long is "silent". */
  silentSeconds: number;
  gpuIdlePercent: number;
  /** A filesystem is "nearly full" from this much use, or under diskMinFreeMiB free. */
  diskFullPercent: number;
  diskMinFreeMiB: number;
  /** ntfy topic URL (plain text POST) or Slack-style incoming webhook (JSON {"text"}), or null. */
  webhookUrl: string | null;
  webhookFormat: WebhookFormat;
  /** Event kinds pushed to the webhook; null = the watchdog's default list. */
  pushKinds: string[] | null;
  /** The queue counts a GPU free only when its memory use is under this (MiB); 0 = no limit. */
  gpuFreeBelowMiB: number;
  /** nvidia-smi and df are given this long before the watchdog gives up on them for the interval. */
  commandTimeoutSeconds: number;
}

export const DEFAULT_WATCHDOG_CONFIG: WatchdogConfig = {
  intervalSeconds: 30,
  stallSeconds: 600,
  silentSeconds: 900,
  gpuIdlePercent: 5,
  diskFullPercent: 95,
  diskMinFreeMiB: 5120,
  webhookUrl: null,
  webhookFormat: 'auto',
  pushKinds: null,
  gpuFreeBelowMiB: 0,
  commandTimeoutSeconds: 30,
};

const KEYS: Record<string, keyof WatchdogConfig> = {
  interval: 'intervalSeconds',
  stall_seconds: 'stallSeconds',
  silent_seconds: 'silentSeconds',
  gpu_idle_percent: 'gpuIdlePercent',
  disk_full_percent: 'diskFullPercent',
  disk_min_free_mb: 'diskMinFreeMiB',
  webhook_url: 'webhookUrl',
  webhook_format: 'webhookFormat',
  push_kinds: 'pushKinds',
  gpu_free_below_mb: 'gpuFreeBelowMiB',
  command_timeout_seconds: 'commandTimeoutSeconds',
};

/** Why a webhook URL cannot be used, or null. The watchdog passes it to curl inside a quoted config line. */
export function webhookUrlProblem(url: string): string | null {
  if (!/^https?:\/\//.test(url)) return 'the webhook URL must start with http:// or https://';
  if (/[\s"\\\u0000-\u001f\u007f]/.test(url))
    return 'the webhook URL must not contain spaces, quotes, backslashes or control characters';
  try {
    new URL(url);
  } catch {
    return 'the webhook URL is not a valid URL';
  }
  return null;
}

/** Problems in a config, in words; empty when it can be written. */
export function watchdogConfigProblems(c: WatchdogConfig): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(c.intervalSeconds) || c.intervalSeconds < 1)
    problems.push('the interval must be a whole number of seconds, at least 1');
  for (const [name, v] of [
    ['the stall time', c.stallSeconds],
    ['the silent time', c.silentSeconds],
    ['the disk minimum', c.diskMinFreeMiB],
    ['the free-GPU memory limit', c.gpuFreeBelowMiB],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) problems.push(`${name} must be a whole number, 0 or more`);
  }
  for (const [name, v] of [
    ['the GPU idle percentage', c.gpuIdlePercent],
    ['the disk full percentage', c.diskFullPercent],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 100) problems.push(`${name} must be a whole number from 0 to 100`);
  }
  if (!Number.isInteger(c.commandTimeoutSeconds) || c.commandTimeoutSeconds < 1)
    problems.push('the command timeout must be a whole number of seconds, at least 1');
  if (c.webhookUrl !== null) {
    const p = webhookUrlProblem(c.webhookUrl);
    if (p) problems.push(p);
  }
  if (c.pushKinds?.some((k) => !/^[a-z-]+$/.test(k)))
    problems.push('push kinds are event kinds such as crashed, oom, stalled (or all)');
  return problems;
}

/** The file text: one key=value per line, in seconds (the script also reads *_minutes with fractions). */
export function renderWatchdogConfig(c: WatchdogConfig): string {
  const lines = [
    '# trainyard watchdog config, written by `trainyard watchdog install` (values are never evaluated)',
    `interval=${c.intervalSeconds}`,
    `stall_seconds=${c.stallSeconds}`,
    `silent_seconds=${c.silentSeconds}`,
    `gpu_idle_percent=${c.gpuIdlePercent}`,
    `disk_full_percent=${c.diskFullPercent}`,
    `disk_min_free_mb=${c.diskMinFreeMiB}`,
    `webhook_url=${c.webhookUrl ?? ''}`,
    `webhook_format=${c.webhookFormat}`,
    `gpu_free_below_mb=${c.gpuFreeBelowMiB}`,
    `command_timeout_seconds=${c.commandTimeoutSeconds}`,
  ];
  if (c.pushKinds) lines.push(`push_kinds=${c.pushKinds.join(' ')}`);
  return lines.join('\n') + '\n';
}

function minutesOrSeconds(key: string, value: string): number | null {
  if (!/^\d+(\.\d+)?$/.test(value)) return null;
  return Math.floor(Number(value) * (key.endsWith('_minutes') ? 60 : 1));
}

/** Reads a config file (as written above, or edited by hand) over the defaults; unknown keys are ignored. */
export function parseWatchdogConfig(text: string): WatchdogConfig {
  const c: WatchdogConfig = { ...DEFAULT_WATCHDOG_CONFIG };
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.includes('=')) continue;
    const key = line.slice(0, line.indexOf('='));
    const value = line.slice(line.indexOf('=') + 1);
    const field =
      KEYS[key] ?? (key === 'stall_minutes' ? 'stallSeconds' : key === 'silent_minutes' ? 'silentSeconds' : undefined);
    if (!field) continue;
    if (field === 'webhookUrl') c.webhookUrl = value === '' ? null : value;
    else if (field === 'webhookFormat') c.webhookFormat = value === 'text' || value === 'slack' ? value : 'auto';
    else if (field === 'pushKinds') c.pushKinds = value.split(/[\s,]+/).filter(Boolean);
    else {
      const n = minutesOrSeconds(key, value);
      if (n !== null) c[field] = n;
    }
  }
  return c;
}
