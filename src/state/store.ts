import { createStore } from 'zustand/vanilla';
import type { ServerMarks } from '../commands/probes.js';
import type { RunFacts } from '../hosts/runFacts.js';
import type { GpuProcess, GpuSample } from '../parsers/nvidiaSmi.js';
import type { TmuxSession } from '../parsers/tmux.js';
import type { ClusterState } from './cluster.js';

export type ConnectionStateName =
  | 'local'
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'auth-failed'
  | 'passphrase-needed'
  | 'hostkey-unknown'
  | 'hostkey-changed'
  | 'unreachable';

export interface ConnectionInfo {
  state: ConnectionStateName;
  /** Reconnect attempt number (1 = first retry). */
  attempt: number;
  /** When the next try happens (ms since epoch), while waiting to reconnect. */
  nextRetryAt: number | null;
  /** What went wrong, in words. */
  error: string | null;
  /** What the user can do about it. */
  hint: string | null;
}

/** Utilisation samples kept per GPU for the sparkline. */
export const HISTORY_LENGTH = 30;

export interface HostState {
  alias: string;
  label?: string;
  connection: ConnectionInfo;
  gpus: GpuSample[];
  /** Why there are no GPU figures (no nvidia-smi, no devices, driver error), or null. */
  gpuError: string | null;
  /** Utilisation history per GPU index, oldest first. */
  gpuHistory: Record<number, number[]>;
  processes: GpuProcess[];
  sessions: TmuxSession[];
  /** GPUs, progress and latest loss of live trainyard runs, by session name. */
  runFacts: Record<string, RunFacts>;
  sessionsError: string | null;
  /** Server clock minus ours, in seconds, so session ages are right on a skewed clock. */
  clockSkewSeconds: number;
  gpuUpdatedAt: number | null;
  sessionsUpdatedAt: number | null;
  /** A Slurm login node's cluster (shown instead of its own GPUs and tmux sessions), else null. */
  cluster: ClusterState | null;
  /** The sessions stream's change marks (runs, queue, watchdog events); null until it answered. */
  marks: ServerMarks | null;
}

/** A question the cockpit must put to the user (an encrypted key's passphrase). */
export interface PendingPrompt {
  id: number;
  kind: 'passphrase';
  message: string;
}

export interface TrainyardState {
  hostOrder: string[];
  hosts: Record<string, HostState>;
  prompt: PendingPrompt | null;
}

export function emptyHost(alias: string, label?: string): HostState {
  return {
    alias,
    label,
    connection: { state: 'connecting', attempt: 0, nextRetryAt: null, error: null, hint: null },
    gpus: [],
    gpuError: null,
    gpuHistory: {},
    processes: [],
    sessions: [],
    runFacts: {},
    sessionsError: null,
    clockSkewSeconds: 0,
    gpuUpdatedAt: null,
    sessionsUpdatedAt: null,
    cluster: null,
    marks: null,
  };
}

export function createTrainyardStore(hosts: { alias: string; label?: string }[]) {
  return createStore<TrainyardState>()(() => ({
    hostOrder: hosts.map((h) => h.alias),
    hosts: Object.fromEntries(hosts.map((h) => [h.alias, emptyHost(h.alias, h.label)])),
    prompt: null,
  }));
}

export type TrainyardStore = ReturnType<typeof createTrainyardStore>;

/** One setState per update, replacing only the host that changed so other hosts' selectors stay equal. */
export function patchHost(
  store: TrainyardStore,
  alias: string,
  patch: Partial<HostState> | ((h: HostState) => Partial<HostState>),
): void {
  store.setState((s) => {
    const current = s.hosts[alias];
    if (!current) return s;
    const p = typeof patch === 'function' ? patch(current) : patch;
    return { hosts: { ...s.hosts, [alias]: { ...current, ...p } } };
  });
}

function sameConnection(a: ConnectionInfo, b: ConnectionInfo): boolean {
  return (
    a.state === b.state &&
    a.attempt === b.attempt &&
    a.nextRetryAt === b.nextRetryAt &&
    a.error === b.error &&
    a.hint === b.hint
  );
}

export function setConnection(store: TrainyardStore, alias: string, info: ConnectionInfo): void {
  const current = store.getState().hosts[alias];
  if (current && sameConnection(current.connection, info)) return;
  patchHost(store, alias, { connection: info });
}

function sameGpus(a: readonly GpuSample[], b: readonly GpuSample[]): boolean {
  return (
    a.length === b.length &&
    a.every((g, i) => {
      const o = b[i];
      return (
        g.index === o.index &&
        g.uuid === o.uuid &&
        g.name === o.name &&
        g.utilization === o.utilization &&
        g.memoryUsedMiB === o.memoryUsedMiB &&
        g.memoryTotalMiB === o.memoryTotalMiB &&
        g.temperatureC === o.temperatureC &&
        g.powerW === o.powerW
      );
    })
  );
}

/**
 * What one GPU sample changes on a host: figures plus the sparkline history. Unchanged parts keep
 * their identity (a steady GPU with a full history gives back the very same arrays), so views
 * that select them do not re-render and nothing is redrawn when nothing changed.
 */
export function withGpuSample(h: HostState, gpus: GpuSample[], now: number): Partial<HostState> {
  const gpuHistory: Record<number, number[]> = {};
  let historyChanged = Object.keys(h.gpuHistory).length !== gpus.length;
  for (const gpu of gpus) {
    const previous = h.gpuHistory[gpu.index] ?? [];
    const utilization = gpu.utilization ?? 0;
    // A full history of this very figure stays as it is (checked before any array is made: this
    // runs for every GPU of every host every second).
    if (previous.length === HISTORY_LENGTH && previous.every((u) => u === utilization)) {
      gpuHistory[gpu.index] = previous;
      continue;
    }
    // one array of the final length (a spread grows its array as it goes)
    const kept = Math.min(previous.length, HISTORY_LENGTH - 1);
    const history = new Array<number>(kept + 1);
    for (let i = 0; i < kept; i++) history[i] = previous[previous.length - kept + i];
    history[kept] = utilization;
    gpuHistory[gpu.index] = history;
    historyChanged = true;
  }
  return {
    gpus: sameGpus(gpus, h.gpus) ? h.gpus : gpus,
    gpuHistory: historyChanged ? gpuHistory : h.gpuHistory,
    gpuError: null,
    gpuUpdatedAt: now,
  };
}

/** Records one GPU sample in a single update. */
export function recordGpuSample(store: TrainyardStore, alias: string, gpus: GpuSample[], now = Date.now()): void {
  patchHost(store, alias, (h) => withGpuSample(h, gpus, now));
}
