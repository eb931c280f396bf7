/**
 * The one place this process asks a Slurm controller about jobs and nodes. Every pane, command
 * and backend call reads the cluster through here: at most one squeue and one sinfo per cluster
 * per interval (default 10 s, never below 5 s), both in one exec; callers arriving while a poll is
 * in flight share it. Across processes the login node's poll file holds the same ceiling
 * (pollScript.ts): an exec within the interval of another process's poll is served that poll.
 * sacct runs only for a job that left the queue without an end we saw, once per job. A
 * controller's RPC load from trainyard stays flat however many views and commands are open.
 */
import { parseSections } from '../../commands/sectioned.js';
import {
  parseSacct,
  parseSinfo,
  parseSqueue,
  type SlurmJob,
  type SlurmJobEnd,
  type SlurmNode,
} from '../../parsers/slurm.js';
import type { CommandExec } from '../runBackend.js';
import { clusterPollCommand } from './pollScript.js';
import { sacctCommand } from './slurmCommands.js';

export const DEFAULT_POLL_SECONDS = 10;
export const MIN_POLL_SECONDS = 5;

export interface ClusterView {
  /** When the poll that made it ended (ms, this process's clock). */
  at: number;
  jobs: SlurmJob[];
  nodes: SlurmNode[];
  /** What went wrong with squeue or sinfo (the other half may still be there), or null. */
  error: string | null;
}

interface ClusterState {
  intervalMs: number;
  view: ClusterView | null;
  inFlight: Promise<ClusterView> | null;
  ends: Map<string, SlurmJobEnd | null>;
}

const firstLine = (text: string) => text.trim().split('\n')[0] ?? '';

export class SlurmPollCache {
  private readonly clusters = new Map<string, ClusterState>();
  /**
   * Poll execs, how many of them ran squeue+sinfo themselves (the rest were served another
   * process's poll from the login node's file), and sacct calls: for tests and the benchmark.
   */
  readonly counts = { polls: 0, polled: 0, sacct: 0 };

  constructor(private readonly now: () => number = Date.now) {}

  private state(host: string): ClusterState {
    let s = this.clusters.get(host);
    if (!s) {
      s = { intervalMs: DEFAULT_POLL_SECONDS * 1000, view: null, inFlight: null, ends: new Map() };
      this.clusters.set(host, s);
    }
    return s;
  }

  /** Sets a cluster's poll interval (config pollSeconds); below the floor it is the floor. */
  configure(host: string, pollSeconds: number | undefined): void {
    this.state(host).intervalMs = Math.max(MIN_POLL_SECONDS, pollSeconds ?? DEFAULT_POLL_SECONDS) * 1000;
  }

  intervalMs(host: string): number {
    return this.state(host).intervalMs;
  }

  /** The last view, however old (null before the first poll). */
  peek(host: string): ClusterView | null {
    return this.state(host).view;
  }

  /** The cluster's jobs and nodes, polled only when the last view is older than the interval. */
  async view(host: string, exec: CommandExec): Promise<ClusterView> {
    const s = this.state(host);
    if (s.view && this.now() - s.view.at < s.intervalMs) return s.view;
    if (s.inFlight) return s.inFlight;
    s.inFlight = this.poll(host, exec).finally(() => {
      s.inFlight = null;
    });
    return s.inFlight;
  }

  private async poll(host: string, exec: CommandExec): Promise<ClusterView> {
    const s = this.state(host);
    this.counts.polls++;
    const r = await exec(clusterPollCommand(host, s.intervalMs), { timeoutMs: 60_000 });
    const out = parseSections(r.stdout);
    if (out.value('served') !== 'file') this.counts.polled++;
    // an answer another process polled is as old as that poll, not as this exec
    const age = Math.max(0, out.number('age') ?? 0);
    const squeue = out.first('squeue');
    const sinfo = out.first('sinfo');
    const problems: string[] = [];
    if (r.code !== 0 && !squeue) problems.push(firstLine(r.stderr) || `exit ${r.code}`);
    if (squeue && squeue.exit !== 0)
      problems.push(`squeue: ${firstLine(squeue.lines.join('\n')) || `exit ${squeue.exit}`}`);
    if (sinfo && sinfo.exit !== 0) problems.push(`sinfo: ${firstLine(sinfo.lines.join('\n')) || `exit ${sinfo.exit}`}`);
    const view: ClusterView = {
      at: this.now() - age,
      // a failed half keeps what the last good poll saw
      jobs: squeue?.exit === 0 ? parseSqueue(squeue.lines.join('\n')) : (s.view?.jobs ?? []),
      nodes: sinfo?.exit === 0 ? parseSinfo(sinfo.lines.join('\n')) : (s.view?.nodes ?? []),
      error: problems.length ? problems.join('; ') : null,
    };
    s.view = view;
    return view;
  }

  /**
   * How a job that left the queue ended, from sacct: asked once per job (a cluster without
   * accounting answers nothing, remembered as null).
   */
  async jobEnd(host: string, exec: CommandExec, jobId: string): Promise<SlurmJobEnd | null> {
    const s = this.state(host);
    if (s.ends.has(jobId)) return s.ends.get(jobId) ?? null;
    this.counts.sacct++;
    const r = await exec(sacctCommand(host, [jobId]), { timeoutMs: 30_000 });
    if (r.code === null) return null; // connection trouble: ask again later
    const end = r.code === 0 ? (parseSacct(r.stdout).find((e) => e.id === jobId) ?? null) : null;
    s.ends.set(jobId, end);
    return end;
  }

  /** Forgets a cluster's view (tests). */
  reset(host?: string): void {
    if (host) this.clusters.delete(host);
    else this.clusters.clear();
  }
}

/** The process's cache: every pane, command and backend call shares it. */
export const slurmPoll = new SlurmPollCache();
