/**
 * The Runs model: every run on every host as one row (name, sweep, host:GPU, state, progress,
 * latest loss, ETA, runtime), built from what one runs probe per host said (src/runs/runsProbe.ts).
 * Plain data: the cockpit's Runs pane, `trainyard runs` and the MCP tools all draw from it.
 */
import type { Progress } from '../logs/grammar.js';
import { findJob, type SlurmJob } from '../parsers/slurm.js';
import { isEmptyTmuxServer, parseTmuxSessions } from '../parsers/tmux.js';
import type { RunManifest } from './layout.js';
import { parseRunManifest } from './manifest.js';
import type { RunsProbeResult } from './runsProbe.js';
import type { TailFacts } from './tailFacts.js';

/** restarted: ended, and a child run continues it. */
export type RunDisplayState = 'queued' | 'running' | 'finished' | 'crashed' | 'restarted' | 'stopped';

export const DISPLAY_STATES: readonly RunDisplayState[] = [
  'running',
  'queued',
  'crashed',
  'stopped',
  'restarted',
  'finished',
];

export interface RunRow {
  /** host + "/" + id: unique across the fleet. */
  key: string;
  id: string;
  host: string;
  project: string;
  sweep: string | null;
  /** CUDA_VISIBLE_DEVICES of the run, null for every GPU (or, queued, not yet assigned). */
  gpus: string | null;
  state: RunDisplayState;
  exitCode: number | null;
  progress: (Progress & { percent: number }) | null;
  loss: { name: string; value: number } | null;
  /** Seconds left at the current pace, for a running run whose pace is known. */
  etaSeconds: number | null;
  /** Seconds it has run (so far, or until it ended); null when unknown (queued). */
  runtimeSeconds: number | null;
  /** When it started (ms since epoch, local clock), null when queued or unknown. */
  startedAt: number | null;
  params: Record<string, string>;
  runDir: string;
  log: string | null;
  parent: string | null;
  /** The run that continues this one, when it was restarted. */
  child: string | null;
  by: 'user' | 'agent' | 'queue' | null;
  /** Queued: GPUs it waits for. */
  wantGpus: number | null;
  manifest: RunManifest;
}

/** What one host contributed: its probe and the facts of the log tails read for its runs. */
export interface HostRuns {
  alias: string;
  probe: RunsProbeResult;
  /** By run id. */
  facts: ReadonlyMap<string, TailFacts>;
  /** Our clock when the probe's answer arrived (ms). */
  receivedAt: number;
  /** The Slurm queue of this login node, when some of its runs are batch jobs. */
  jobs?: readonly SlurmJob[];
  /** When that queue was polled (our clock, ms): a job submitted later is not in it yet. */
  jobsAt?: number;
}

/** Slurm job states of a job waiting for a node, and of one holding a node. */
const JOB_WAITING = new Set(['PENDING', 'REQUEUED', 'REQUEUE_HOLD', 'SUSPENDED']);
const JOB_ALIVE = new Set(['RUNNING', 'CONFIGURING', 'COMPLETING', 'RESIZING', 'STAGE_OUT', 'SIGNALING']);

/** Pace seen between two looks at a running run (the cockpit keeps these; the CLI has none). */
export type PaceHistory = ReadonlyMap<string, { at: number; done: number; total: number }>;

const paramsOf = (m: RunManifest): Record<string, string> => {
  const p = (m as { params?: unknown }).params;
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(p)) if (typeof v === 'string') out[k] = v;
  return out;
};
const stringField = (m: RunManifest, name: string): string | null => {
  const v = (m as unknown as Record<string, unknown>)[name];
  return typeof v === 'string' && v !== '' ? v : null;
};
const byOf = (m: RunManifest): RunRow['by'] => {
  const v = stringField(m, 'by');
  return v === 'user' || v === 'agent' || v === 'queue' ? v : null;
};

function withPercent(p: Progress | null): RunRow['progress'] {
  if (!p || p.total <= 0) return null;
  return { ...p, percent: Math.max(0, Math.min(100, (p.done / p.total) * 100)) };
}

/** Seconds left: from the pace between two looks, else (a run not resumed) from its whole runtime. */
function eta(
  progress: RunRow['progress'],
  runtime: number | null,
  resumed: boolean,
  previous: { at: number; done: number; total: number } | undefined,
  now: number,
): number | null {
  if (!progress || progress.done >= progress.total) return progress ? 0 : null;
  const left = progress.total - progress.done;
  if (previous && previous.total === progress.total && progress.done > previous.done && now > previous.at)
    return Math.round((left * (now - previous.at)) / 1000 / (progress.done - previous.done));
  if (!resumed && runtime !== null && runtime > 0 && progress.done > 0)
    return Math.round((left * runtime) / progress.done);
  return null;
}

function displayState(
  backend: 'running' | 'exited' | 'stopped' | 'gone',
  exitCode: number | null,
  child: string | null,
): RunDisplayState {
  if (backend === 'running') return 'running';
  if (child !== null) return 'restarted';
  if (backend === 'stopped') return 'stopped';
  if (backend === 'exited' && exitCode === 0) return 'finished';
  return 'crashed'; // a non-zero exit, or gone without a trace (a reboot, a killed tmux server)
}

/** The rows of one host's probe. */
export function hostRows(h: HostRuns, history: PaceHistory = new Map(), now = Date.now()): RunRow[] {
  const { probe } = h;
  const home = probe.home ?? '';
  const skewMs = probe.now !== null ? probe.now * 1000 - h.receivedAt : 0;
  const tmuxOk = probe.tmux.code === 0 || isEmptyTmuxServer(probe.tmux.text);
  const sessions = probe.tmux.code === 0 ? parseTmuxSessions(probe.tmux.text) : [];
  const manifests: {
    m: RunManifest;
    exitCode: number | null;
    endedAt: number | null;
    stopped: boolean;
    job: SlurmJob | null;
    jobId: string | null;
  }[] = [];
  for (const r of probe.runs) {
    const { manifest } = parseRunManifest(r.manifestLine, home);
    const job = r.jobId === null ? null : findJob(h.jobs ?? [], r.jobId);
    if (manifest) manifests.push({ m: manifest, ...r, job, jobId: r.jobId });
  }
  const childOf = new Map<string, string>();
  for (const { m } of manifests) if (m.parent) childOf.set(m.parent, m.session);
  const rows: RunRow[] = [];
  for (const { m, exitCode: marker, endedAt, stopped, job, jobId } of manifests) {
    // a batch job's session is its Slurm job; a tmux run's, its tmux session
    const s = jobId === null ? sessions.find((x) => x.name === m.session) : undefined;
    const started = Date.parse(m.startedAt);
    // launched after the shared poll it was read from: the next poll shows its job; until then it waits
    const unseen =
      jobId !== null &&
      job === null &&
      marker === null &&
      !stopped &&
      h.jobsAt !== undefined &&
      Number.isFinite(started) &&
      started >= h.jobsAt;
    const waiting = (job !== null && JOB_WAITING.has(job.state) && marker === null) || unseen;
    const running =
      (job !== null && JOB_ALIVE.has(job.state) && marker === null) ||
      s?.running === true ||
      (jobId === null && !tmuxOk && marker === null && !stopped) ||
      (jobId !== null && h.jobs === undefined && marker === null && !stopped);
    const jobExit = job?.state === 'COMPLETED' ? 0 : null;
    const exitCode = running || waiting ? null : (marker ?? s?.exitStatus ?? jobExit);
    const backend = running ? 'running' : stopped ? 'stopped' : exitCode !== null ? 'exited' : 'gone';
    const child = childOf.get(m.session) ?? null;
    const startedAt = Number.isFinite(started) ? started : null;
    const endMs = endedAt !== null ? endedAt * 1000 - skewMs : s?.deadAt != null ? s.deadAt * 1000 - skewMs : null;
    const until = running ? now : endMs;
    const runtimeSeconds =
      startedAt !== null && until !== null ? Math.max(0, Math.round((until - startedAt) / 1000)) : null;
    const facts = h.facts.get(m.session);
    const progress = withPercent(facts?.progress ?? null);
    const key = `${h.alias}/${m.session}`;
    rows.push({
      key,
      id: m.session,
      host: h.alias,
      project: m.project,
      sweep: stringField(m, 'sweep'),
      gpus: m.gpus,
      state: waiting ? 'queued' : displayState(backend, exitCode, child),
      exitCode,
      progress,
      loss: facts?.loss ?? null,
      etaSeconds: running ? eta(progress, runtimeSeconds, m.resumedFrom !== null, history.get(key), now) : null,
      runtimeSeconds,
      startedAt,
      params: paramsOf(m),
      runDir: stringField(m, 'runDir') ?? m.remoteDir,
      log: m.log,
      parent: m.parent,
      child,
      by: byOf(m),
      wantGpus: null,
      manifest: m,
    });
  }
  for (const q of probe.queued) {
    const { manifest } = parseRunManifest(q.manifestLine, home);
    if (!manifest) continue;
    rows.push({
      key: `${h.alias}/${manifest.session}`,
      id: manifest.session,
      host: h.alias,
      project: manifest.project,
      sweep: stringField(manifest, 'sweep'),
      gpus: null,
      state: 'queued',
      exitCode: null,
      progress: null,
      loss: null,
      etaSeconds: null,
      runtimeSeconds: null,
      startedAt: null,
      params: paramsOf(manifest),
      runDir: stringField(manifest, 'runDir') ?? manifest.remoteDir,
      log: null,
      parent: manifest.parent,
      child: null,
      by: byOf(manifest),
      wantGpus: q.want,
      manifest,
    });
  }
  return rows;
}

/** Every host's rows, in host order then start time (newest first), queued runs last in queue order. */
export function fleetRows(hosts: readonly HostRuns[], history?: PaceHistory, now = Date.now()): RunRow[] {
  return hosts.flatMap((h) => hostRows(h, history, now));
}

/** "3 running · 2 queued · 1 crashed": the states that have runs, in DISPLAY_STATES order. */
export function fleetSummary(rows: readonly Pick<RunRow, 'state'>[]): string {
  const counts = new Map<RunDisplayState, number>();
  for (const r of rows) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
  const parts = DISPLAY_STATES.filter((s) => s !== 'restarted' && counts.get(s)).map((s) => `${counts.get(s)} ${s}`);
  return parts.length ? parts.join(' · ') : 'no runs';
}
