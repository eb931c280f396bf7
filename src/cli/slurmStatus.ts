/**
 * What `trainyard status` says about a Slurm login node: GPUs per partition (total / used / free,
 * drained or down nodes marked), my jobs with their pending reason, from the process's one poll
 * of the cluster (src/backends/slurm/pollCache.ts).
 */
import { transportExec } from '../backends/runBackend.js';
import { backendForHost } from '../backends/select.js';
import { slurmPoll } from '../backends/slurm/pollCache.js';
import { guardedNames, isGuardJob } from '../backends/slurm/restartGuard.js';
import type { Config } from '../config/types.js';
import { gpuTotals, type SlurmJob } from '../parsers/slurm.js';
import type { Transport } from '../transport/types.js';

export interface SlurmStatusJson {
  error: string | null;
  partitions: { name: string; gpus: number; used: number; free: number; unavailable: number }[];
  nodes: { host: string; partition: string; state: string; unavailable: boolean; gpus: number; gpusUsed: number }[];
  jobs: {
    id: string;
    name: string;
    state: string;
    reason: string | null;
    elapsedSeconds: number | null;
    limitSeconds: number | null;
    nodes: number;
    gpus: number;
    nodeList: string;
    partition: string;
    /** Its restart guard job waits for it (the guard itself is never listed as a job). */
    guarded: boolean;
  }[];
}

/** The cluster's status when the host is a Slurm login node (config or detection), else null. */
export async function slurmStatusFor(
  config: Config,
  alias: string,
  transport: Transport,
): Promise<SlurmStatusJson | null> {
  const backend = await backendForHost(config, alias, transport);
  if (backend.kind !== 'slurm') return null;
  const view = await slurmPoll.view(alias, transportExec(transport));
  const { partitions } = gpuTotals(view.nodes);
  const guarded = guardedNames(view.jobs);
  return {
    error: view.error,
    partitions: [...partitions].map(([name, c]) => ({
      name,
      gpus: c.total,
      used: c.used,
      free: c.free,
      unavailable: c.unavailable,
    })),
    nodes: view.nodes.map((n) => ({
      host: n.host,
      partition: n.partition,
      state: n.state,
      unavailable: n.unavailable,
      gpus: n.gpus,
      gpusUsed: n.gpusUsed,
    })),
    jobs: view.jobs
      .filter((j) => !isGuardJob(j))
      .map((j) => ({
        id: j.id,
        name: j.name,
        state: j.state,
        reason: j.reason === 'None' ? null : j.reason,
        elapsedSeconds: j.elapsed,
        limitSeconds: j.limit,
        nodes: j.nodes,
        gpus: j.gpus,
        nodeList: j.nodeList,
        partition: j.partition,
        guarded: guarded.has(j.name),
      })),
  };
}

const clock = (s: number | null) => {
  if (s === null) return '∞';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h
    ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`
    : `${m}:${String(sec).padStart(2, '0')}`;
};

/** One line per partition, then each node that takes no jobs. */
export function slurmGpuText(s: SlurmStatusJson): string {
  const lines = s.partitions.map(
    (p) =>
      `${p.name}: ${p.gpus} GPUs, ${p.used} used, ${p.free} free${p.unavailable ? `, ${p.unavailable} on drained/down nodes` : ''}`,
  );
  const bad = new Set<string>();
  for (const n of s.nodes)
    if (n.unavailable && !bad.has(n.host)) bad.add(n.host) && lines.push(`${n.host} ${n.state.toUpperCase()}`);
  if (s.error) lines.push(s.error);
  return lines.join('\n');
}

function jobWord(j: SlurmStatusJson['jobs'][number]): string {
  const where = j.state === 'PENDING' ? `PENDING (${j.reason ?? 'waiting'})` : j.state;
  const time = j.state === 'PENDING' ? '' : ` ${clock(j.elapsedSeconds)}/${clock(j.limitSeconds)}`;
  return `${j.id} ${j.name} ${where}${time}${j.gpus ? ` ${j.gpus} GPU` : ''}${j.guarded ? ' guarded' : ''}`;
}

/** My jobs: alive first, then the finished ones Slurm still shows. */
export function slurmJobsText(s: SlurmStatusJson): string {
  const alive = (j: { state: string }) =>
    ['PENDING', 'RUNNING', 'COMPLETING', 'CONFIGURING', 'SUSPENDED'].includes(j.state);
  const jobs = [...s.jobs.filter(alive), ...s.jobs.filter((j) => !alive(j))];
  return jobs.map(jobWord).join('\n') || 'no jobs';
}

export type { SlurmJob };
