/** Pure projections of the store that the views subscribe to (small, so shallow comparison is cheap). */

import { isUp } from '../format/connection.js';
import { averageUtilization } from '../format/gpu.js';
import { countSessions } from '../format/sessions.js';
import { gpuTotals } from '../parsers/slurm.js';
import type { TmuxSession } from '../parsers/tmux.js';
import { WATCHDOG_SESSION } from '../runs/layout.js';
import type { ClusterState } from '../state/cluster.js';
import type { ConnectionStateName, HostState, TrainyardState } from '../state/store.js';
import type { PaneCounts } from './layout.js';

const runsCache = new WeakMap<readonly TmuxSession[], TmuxSession[]>();

/**
 * The host's runs: its tmux sessions except the watchdog's own, which guards the runs and is not
 * one (not listed, not counted, never offered to stop). The same array for the same sessions.
 */
export function runSessions(h: HostState | undefined): TmuxSession[] {
  if (!h) return [];
  let runs = runsCache.get(h.sessions);
  if (!runs) {
    runs = h.sessions.some((s) => s.name === WATCHDOG_SESSION)
      ? h.sessions.filter((s) => s.name !== WATCHDOG_SESSION)
      : h.sessions;
    runsCache.set(h.sessions, runs);
  }
  return runs;
}

export interface HostSummary {
  state: ConnectionStateName | null;
  /** Rounded mean utilisation while connected (a cluster: the share of its GPUs allocated), else null. */
  avgUtil: number | null;
  running: number;
  finished: number;
  crashed: number;
}

const busyOf = new WeakMap<ClusterState, number | null>();

/**
 * A cluster's GPUs in use, as a share of all of them (its "utilisation" in the host list); the
 * selector runs on every store update, so it is counted once per cluster poll.
 */
function clusterBusy(c: ClusterState): number | null {
  if (busyOf.has(c)) return busyOf.get(c) ?? null;
  const { cluster } = gpuTotals(c.nodes);
  const busy = cluster.total ? (100 * cluster.used) / cluster.total : null;
  busyOf.set(c, busy);
  return busy;
}

const NO_HOST: HostSummary = { state: null, avgUtil: null, running: 0, finished: 0, crashed: 0 };
const summaries = new WeakMap<HostState, HostSummary>();

/**
 * Every host row asks on every store update, and most updates leave most hosts as they were (the
 * store replaces a host's object when it changes): an unchanged host gets its last summary back.
 */
export function hostSummary(h: HostState | undefined): HostSummary {
  if (!h) return NO_HOST;
  let summary = summaries.get(h);
  if (!summary) {
    summary = summarise(h);
    summaries.set(h, summary);
  }
  return summary;
}

function summarise(h: HostState): HostSummary {
  const avg = !isUp(h.connection.state)
    ? null
    : h.cluster
      ? clusterBusy(h.cluster)
      : h.gpuError
        ? null
        : averageUtilization(h.gpus);
  return {
    state: h.connection.state,
    avgUtil: avg === null ? null : Math.round(avg),
    ...countSessions(runSessions(h)),
  };
}

export function headerCounts(s: TrainyardState): { total: number; up: number } {
  let up = 0;
  for (const alias of s.hostOrder) if (s.hosts[alias] && isUp(s.hosts[alias].connection.state)) up++;
  return { total: s.hostOrder.length, up };
}

/** What the GPU pane shows: live rows, or one message in their place. */
export type GpuPaneMode = 'rows' | 'down' | 'gpu-error' | 'waiting';

export function gpuPaneMode(h: HostState): GpuPaneMode {
  if (!isUp(h.connection.state)) return 'down';
  if (h.gpuError) return 'gpu-error';
  if (h.gpus.length === 0) return 'waiting';
  return 'rows';
}

/** Lines kept for the message shown instead of GPU rows (state and retry, then error and hint, which may wrap). */
export const MESSAGE_LINES = 5;

export function paneCounts(h: HostState | undefined): PaneCounts {
  if (!h) return { gpuLines: 1, sessionLines: 1 };
  if (h.cluster) {
    const hosts = new Set(h.cluster.nodes.map((n) => n.host)).size;
    const partitions = new Set(h.cluster.nodes.map((n) => n.partition)).size;
    const gpuLines = partitions + (hosts ? 1 + hosts : 0) + (h.cluster.error ? 1 : 0);
    return { gpuLines: Math.max(1, gpuLines), sessionLines: Math.max(1, h.sessions.length) };
  }
  const gpuLines =
    gpuPaneMode(h) === 'rows' ? h.gpus.length + (h.processes.length > 0 ? 1 + h.processes.length : 0) : MESSAGE_LINES;
  return { gpuLines, sessionLines: Math.max(1, runSessions(h).length + (h.sessionsError ? 1 : 0)) };
}
