/** The watchdog operations over a Transport: install, status, uninstall, events. */
import { parseSections } from '../commands/sectioned.js';
import type { RemoteCommand } from '../commands/value.js';
import type { ExecResult, Transport } from '../transport/types.js';
import {
  installCommand,
  readConfigCommand,
  readEventsCommand,
  statusCommand,
  uninstallCommand,
  writeConfigCommand,
} from './commands.js';
import {
  DEFAULT_WATCHDOG_CONFIG,
  parseWatchdogConfig,
  renderWatchdogConfig,
  type WatchdogConfig,
  watchdogConfigProblems,
} from './config.js';
import { eventTime, parseEvents, type WatchdogEvent } from './events.js';
import { stampedWatchdogScript } from './script.js';
import { parseSummary, type WatchdogSummary } from './summary.js';

export class WatchdogError extends Error {}

const TIMEOUT_MS = 30_000;

export async function runRemote(
  transport: Transport,
  command: RemoteCommand,
  timeoutMs = TIMEOUT_MS,
): Promise<ExecResult> {
  return transport.exec(command, { stdin: command.stdin, timeoutMs });
}

function failure(what: string, r: ExecResult): WatchdogError {
  const error = parseSections(r.stdout).value('error');
  const text = [
    error,
    r.stdout
      .split('\n')
      .filter((l) => !l.startsWith('@@'))
      .join(' '),
    r.stderr,
  ]
    .filter(Boolean)
    .join(' ')
    .trim();
  return new WatchdogError(
    `${what} failed${r.code === null ? ' (connection lost or timed out)' : ` (exit ${r.code})`}${text ? `: ${text}` : ''}`,
  );
}

/** Changes to the config; undefined keeps what the host has. webhookUrl null removes it. */
export type WatchdogConfigChanges = Partial<WatchdogConfig>;

/** The config an install writes: the host's current one (or the defaults) with the changes on top. */
export async function plannedConfig(
  transport: Transport,
  host: string,
  changes: WatchdogConfigChanges,
): Promise<WatchdogConfig> {
  const current = await runRemote(transport, readConfigCommand(host));
  if (current.code !== 0) throw failure('reading the watchdog config', current);
  const base = current.stdout.trim() ? parseWatchdogConfig(current.stdout) : { ...DEFAULT_WATCHDOG_CONFIG };
  const next: WatchdogConfig = { ...base };
  for (const [k, v] of Object.entries(changes))
    if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
  const problems = watchdogConfigProblems(next);
  if (problems.length) throw new WatchdogError(problems.join('; '));
  return next;
}

/** The commands an install runs, in order (a dry run prints these). */
export function installCommands(host: string, config: WatchdogConfig, restart = false): RemoteCommand[] {
  const { text, version } = stampedWatchdogScript();
  return [
    writeConfigCommand(host, renderWatchdogConfig(config), config.webhookUrl !== null),
    installCommand(host, text, version, restart),
  ];
}

export interface InstallResult {
  /** started: none ran; upgraded: a new script; restarted: a new config; unchanged: it already ran this. */
  action: 'started' | 'upgraded' | 'restarted' | 'unchanged';
  version: string;
  pid: number | null;
  configChanged: boolean;
  config: WatchdogConfig;
}

/**
 * Installs or upgrades the watchdog and makes sure one copy runs. Idempotent: a second install
 * with nothing new changes nothing; a new script or config restarts the running copy.
 */
export async function installWatchdog(
  transport: Transport,
  host: string,
  changes: WatchdogConfigChanges = {},
): Promise<InstallResult> {
  const config = await plannedConfig(transport, host, changes);
  const w = await runRemote(
    transport,
    writeConfigCommand(host, renderWatchdogConfig(config), config.webhookUrl !== null),
  );
  if (w.code !== 0) throw failure('writing the watchdog config', w);
  const configChanged = parseSections(w.stdout).has('changed');
  const { text, version } = stampedWatchdogScript();
  const r = await runRemote(transport, installCommand(host, text, version, configChanged));
  const m = parseSections(r.stdout);
  if (r.code !== 0 || !m.has('action')) throw failure('installing the watchdog', r);
  const pid = Number(m.value('pid'));
  return {
    action: m.value('action') as InstallResult['action'],
    version: m.value('version') ?? '',
    pid: pid > 0 ? pid : null,
    configChanged,
    config,
  };
}

export async function uninstallWatchdog(transport: Transport, host: string): Promise<{ removed: boolean }> {
  const r = await runRemote(transport, uninstallCommand(host));
  const m = parseSections(r.stdout);
  if (r.code !== 0 || !m.has('removed')) throw failure('uninstalling the watchdog', r);
  return { removed: m.value('removed') === '1' };
}

export interface WatchdogState {
  installed: boolean;
  /** A watchdog process holds the lock (in its tmux session or not). */
  running: boolean;
  version: string | null;
  pid: number | null;
  /** The watchdog's tmux pane: alive, dead (left by remain-on-exit), or none. */
  pane: 'alive' | 'dead' | 'none';
  /** The server's clock (Unix seconds) when asked. */
  now: number | null;
  summary: WatchdogSummary | null;
  /** Events since the `since` asked for (or the last ones), oldest first. */
  events: WatchdogEvent[];
}

/** Parses statusCommand's output. */
export function parseStatusOutput(stdout: string): WatchdogState {
  const m = parseSections(stdout);
  const summaryText = m.text('summary');
  const eventsText = m.text('events');
  const pane = /^(\d) /.exec(m.value('pane') ?? '');
  const pid = Number(m.value('pid'));
  const now = Number(m.value('now'));
  const version = m.value('version') || null;
  return {
    installed: m.has('version'),
    running: pid > 0,
    version,
    pid: pid > 0 ? pid : null,
    pane: pane ? (pane[1] === '0' ? 'alive' : 'dead') : 'none',
    now: Number.isFinite(now) && now > 0 ? now : null,
    summary: parseSummary(summaryText),
    events: parseEvents(eventsText),
  };
}

export async function readWatchdogState(
  transport: Transport,
  host: string,
  since: Date | string | null = null,
  limit?: number,
): Promise<WatchdogState> {
  const iso = since === null ? null : typeof since === 'string' ? since : eventTime(since);
  const r = await runRemote(transport, statusCommand(host, iso, limit));
  if (r.code !== 0 || !r.stdout.includes('@@end')) throw failure('reading the watchdog state', r);
  return parseStatusOutput(r.stdout);
}

export async function readWatchdogEvents(
  transport: Transport,
  host: string,
  since: Date | null = null,
): Promise<WatchdogEvent[]> {
  const r = await runRemote(transport, readEventsCommand(host, since === null ? null : eventTime(since)), 60_000);
  if (r.code !== 0) throw failure('reading the watchdog events', r);
  return parseEvents(r.stdout);
}
