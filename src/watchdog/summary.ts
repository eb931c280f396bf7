/**
 * ~/.trainyard/watchdog/summary.json, rewritten atomically by the watchdog every interval: the
 * state of every live run and of the runs that ended in the last 48 hours.
 */
export type WatchdogRunStatus = 'new' | 'running' | 'finished' | 'crashed' | 'stopped' | 'lost';

export interface WatchdogRunSummary {
  session: string;
  project: string | null;
  status: WatchdogRunStatus;
  /** Unix seconds of the last status change. */
  since: number | null;
  exitCode: number | null;
  /** Signal number when the pane was killed by one. */
  signal: number | null;
  stalled: boolean;
  silent: boolean;
  /** Highest utilisation of the run's GPUs at the last look, or null. */
  gpuUtilization: number | null;
  /** Unix seconds since its GPUs are under the idle threshold, or null. */
  lowUtilizationSince: number | null;
  log: string | null;
  logBytes: number | null;
  /** Unix seconds when the watchdog last saw the log grow. */
  logWrittenAt: number | null;
  /** Log findings so far: oom, diverged, traceback, nccl-timeout. */
  flags: string[];
  /** The last Python exception line in the log. */
  lastError: string | null;
  startedAt: string | null;
  parent: string | null;
  restartCount: number;
  autoRestart: {
    enabled: boolean;
    max: number;
    /** off | scheduled | done | limit | cancelled | failed, or null before a crash. */
    state: string | null;
    /** Unix seconds of a scheduled restart. */
    at: number | null;
    /** The session it was restarted as. */
    child: string | null;
  };
}

export interface WatchdogSummary {
  version: string;
  host: string;
  pid: number;
  time: string;
  /** Unix seconds (the server's clock) when it was written. */
  epoch: number;
  interval: number;
  ticks: number;
  /** CPU seconds the watchdog and its children used since it started. */
  cpuSeconds: number;
  config: {
    stallSeconds: number;
    silentSeconds: number;
    gpuIdlePercent: number;
    diskFullPercent: number;
    diskMinFreeMiB: number;
    webhook: boolean;
  };
  gpus: { index: number; uuid: string; utilization: number | null }[];
  gpuError: string | null;
  disks: { path: string; usedPercent: number; availableMiB: number; full: boolean }[];
  runs: WatchdogRunSummary[];
}

/** Parses summary.json; null when it is missing or not a summary. Its strings are the server's (see parseEvents). */
export function parseSummary(text: string): WatchdogSummary | null {
  if (text.trim() === '') return null;
  try {
    const s = JSON.parse(text) as WatchdogSummary;
    if (typeof s !== 'object' || s === null || typeof s.epoch !== 'number' || !Array.isArray(s.runs)) return null;
    // a foreign or hand-edited entry is dropped rather than trusted
    s.runs = s.runs.filter((r) => typeof r === 'object' && r !== null && typeof r.session === 'string');
    for (const r of s.runs) r.flags = Array.isArray(r.flags) ? r.flags.filter((f) => typeof f === 'string') : [];
    return s;
  } catch {
    return null;
  }
}
