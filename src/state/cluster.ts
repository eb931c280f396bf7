/**
 * What the cockpit knows of a Slurm login node's cluster, from the shared poll cache: nodes and
 * GPUs per partition, my jobs (restart guards left out), and jobs that left the queue since the
 * cockpit started, with how they ended. Pure: the watch (src/hosts/clusterWatch.ts) fills it,
 * the panes (components/Cluster*.tsx) draw it.
 */
import { ENDED_STATES, type SlurmJob, type SlurmJobEnd, type SlurmNode } from '../parsers/slurm.js';
import type { TmuxSession } from '../parsers/tmux.js';

/** A job that left the queue: sacct's end when accounting answers, else the last state squeue showed. */
export interface FinishedJob extends SlurmJobEnd {
  /** When the cockpit saw it leave (ms). */
  leftAt: number;
}

export interface ClusterState {
  /** When the poll behind it was made (ms, this process's clock). */
  at: number;
  error: string | null;
  nodes: SlurmNode[];
  /** My jobs in the queue (finished ones while Slurm keeps them), restart guards left out. */
  jobs: SlurmJob[];
  /** Names of runs whose restart guard waits for them. */
  guarded: string[];
  /** Jobs that left the queue, newest first. */
  finished: FinishedJob[];
}

/** How many finished jobs the pane keeps. */
export const FINISHED_KEPT = 10;

/** One line of the jobs pane: a job in the queue, or one that left it. */
export type ClusterJobRow = { kind: 'queued'; job: SlurmJob } | { kind: 'finished'; job: FinishedJob };

const rowsCache = new WeakMap<ClusterState, ClusterJobRow[]>();

/** The jobs pane's lines, in order: alive jobs (oldest first), ended jobs Slurm still shows, then finished ones. */
export function clusterJobRows(c: ClusterState): ClusterJobRow[] {
  let rows = rowsCache.get(c);
  if (!rows) {
    const byId = (a: SlurmJob, b: SlurmJob) => Number(a.jobId) - Number(b.jobId) || a.id.localeCompare(b.id);
    const alive = c.jobs.filter((j) => !ENDED_STATES.has(j.state)).sort(byId);
    const ended = c.jobs.filter((j) => ENDED_STATES.has(j.state)).sort((a, b) => byId(b, a));
    rows = [
      ...alive.map((job) => ({ kind: 'queued' as const, job })),
      ...ended.map((job) => ({ kind: 'queued' as const, job })),
      ...c.finished.map((job) => ({ kind: 'finished' as const, job })),
    ];
    rowsCache.set(c, rows);
  }
  return rows;
}

/** A failed end's exit code for the session model: the script's own, else 1 (TIMEOUT, OOM, …). */
function endExit(state: string, exitCode: number | null): number {
  if (state === 'COMPLETED') return 0;
  return exitCode !== null && exitCode !== 0 ? exitCode : 1;
}

/**
 * The rows as sessions, in the same order, so the host list's counts and the session keys (the
 * cursor picks a job by its name, which is its run's id) work for a cluster as for a tmux host.
 */
export function clusterSessions(c: ClusterState, nowMs: number): TmuxSession[] {
  const now = Math.floor(nowMs / 1000);
  return clusterJobRows(c).map((row): TmuxSession => {
    const j = row.job;
    const alive = row.kind === 'queued' && !ENDED_STATES.has(j.state);
    const cancelled = j.state === 'CANCELLED';
    const exit = row.kind === 'finished' ? row.job.exitCode : null;
    return {
      name: j.name,
      createdAt: now - (j.elapsed ?? 0),
      attached: false,
      windows: 1,
      running: alive,
      exitStatus: alive || cancelled ? null : endExit(j.state, exit),
      exitSignal: null,
      deadAt: alive ? null : now,
      ...(cancelled ? { stopped: true } : {}),
    };
  });
}

/** A finished job from sacct's answer, or from the last squeue line when accounting has none. */
export function finishedJob(last: SlurmJob, end: SlurmJobEnd | null, leftAt: number): FinishedJob {
  return {
    id: last.id,
    name: last.name,
    state: end?.state ?? (ENDED_STATES.has(last.state) ? last.state : 'LEFT QUEUE'),
    exitCode: end?.exitCode ?? null,
    signal: end?.signal ?? null,
    elapsed: end?.elapsed ?? last.elapsed,
    maxRssBytes: end?.maxRssBytes ?? null,
    leftAt,
  };
}

/** Seconds as Slurm prints them: "5:03", "1:02:03", "2-01:00:00"; "∞" for no limit. */
export function slurmClock(s: number | null): string {
  if (s === null) return '∞';
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d) return `${d}-${pad(h)}:${pad(m)}:${pad(sec)}`;
  return h ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}
