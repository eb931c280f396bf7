import { transportExec } from '../backends/runBackend.js';
import { type ClusterView, type SlurmPollCache, slurmPoll } from '../backends/slurm/pollCache.js';
import { guardedNames, isGuardJob } from '../backends/slurm/restartGuard.js';
import type { SlurmJob } from '../parsers/slurm.js';
import { type ClusterState, clusterSessions, FINISHED_KEPT, type FinishedJob, finishedJob } from '../state/cluster.js';
import { patchHost, type TrainyardStore } from '../state/store.js';
import type { Transport } from '../transport/types.js';

/** A read of the cache that failed (connection trouble) is tried again this much later. */
const RETRY_MS = 5_000;

/**
 * A Slurm login node's cluster for the cockpit: reads the shared poll cache (pollCache.ts) once
 * per its interval, never polling on its own, and writes what it saw to the store. A job that
 * left the queue since the last view is asked about once (the cache's jobEnd: sacct) and kept
 * among the recently finished.
 */
export class ClusterWatch {
  private timer: NodeJS.Timeout | null = null;
  /** Bumped by start and stop: a read still in flight from before answers nobody. */
  private generation = 0;
  private last: SlurmJob[] | null = null;
  private finished: FinishedJob[] = [];

  constructor(
    private readonly transport: Transport,
    private readonly store: TrainyardStore,
    private readonly alias: string,
    /** Called after each view (the host has said what it will say). */
    private readonly onAnswer: () => void,
    private readonly cache: SlurmPollCache = slurmPoll,
  ) {}

  start(): void {
    this.stop();
    const generation = this.generation;
    // the panes switch to the cluster at once, waiting for its first view
    if (!this.store.getState().hosts[this.alias]?.cluster)
      patchHost(this.store, this.alias, { cluster: emptyCluster() });
    void this.tick(generation);
  }

  stop(): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(generation: number, ms: number): void {
    if (generation !== this.generation) return;
    this.timer = setTimeout(() => void this.tick(generation), Math.max(1000, ms));
    this.timer.unref?.();
  }

  private async tick(generation: number): Promise<void> {
    this.timer = null;
    const live = () => generation === this.generation;
    const exec = transportExec(this.transport);
    let view: ClusterView;
    try {
      view = await this.cache.view(this.alias, exec);
    } catch (error) {
      if (!live()) return;
      patchHost(this.store, this.alias, (h) => ({
        cluster: { ...(h.cluster ?? emptyCluster()), at: h.cluster?.at || Date.now(), error: (error as Error).message },
      }));
      this.onAnswer();
      this.schedule(generation, RETRY_MS);
      return;
    }
    if (!live()) return;
    await this.noteLeavers(view, exec);
    if (!live()) return;
    this.apply(view);
    this.onAnswer();
    // the cache's view goes stale one interval after its poll: look again then
    this.schedule(generation, view.at + this.cache.intervalMs(this.alias) - Date.now());
  }

  /** Jobs in the last view and not in this one left the queue: how did they end? */
  private async noteLeavers(view: ClusterView, exec: ReturnType<typeof transportExec>): Promise<void> {
    const previous = this.last;
    this.last = view.jobs;
    if (!previous) return;
    const now = new Set(view.jobs.map((j) => j.id));
    for (const j of previous) {
      if (now.has(j.id) || isGuardJob(j)) continue;
      // an array's tasks not started yet ("12_[0-3%2]") end as tasks of their own
      if (j.id.includes('[')) continue;
      const end = await this.cache.jobEnd(this.alias, exec, j.arrayTask !== null ? j.id : j.jobId).catch(() => null);
      this.finished = [finishedJob(j, end, Date.now()), ...this.finished.filter((f) => f.id !== j.id)].slice(
        0,
        FINISHED_KEPT,
      );
    }
  }

  private apply(view: ClusterView): void {
    const cluster: ClusterState = {
      at: view.at,
      error: view.error,
      nodes: view.nodes,
      jobs: view.jobs.filter((j) => !isGuardJob(j)),
      guarded: [...guardedNames(view.jobs)],
      finished: this.finished,
    };
    const before = this.store.getState().hosts[this.alias]?.cluster;
    if (before && JSON.stringify({ ...before, at: 0 }) === JSON.stringify({ ...cluster, at: 0 })) return;
    patchHost(this.store, this.alias, {
      cluster,
      sessions: clusterSessions(cluster, Date.now()),
      sessionsError: null,
      sessionsUpdatedAt: Date.now(),
    });
  }
}

export function emptyCluster(): ClusterState {
  return { at: 0, error: null, nodes: [], jobs: [], guarded: [], finished: [] };
}
