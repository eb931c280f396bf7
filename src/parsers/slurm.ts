/**
 * Pure parsers for the Slurm client commands trainyard runs on a login node, each with the fixed
 * format it asks for. Fields are separated by "|"; the one free-text field (the job name) comes
 * last, so a "|" inside it stays part of it. Every value here is server text: screens sanitise it.
 */

/** sinfo, one line per node and partition: host, partition ("*" marks the default), state, GRES, GRES in use. */
export const SINFO_ARGS = ['-h', '-N', '-O', 'NodeHost:|,Partition:|,StateLong:|,Gres:|,GresUsed:|'];

/** squeue of my jobs, finished ones included while the controller keeps them (MinJobAge). */
export const SQUEUE_FORMAT = '%i|%T|%r|%M|%l|%D|%b|%N|%P|%j';
export const SQUEUE_ARGS = ['--me', '-h', '-t', 'all', '-o', SQUEUE_FORMAT];

/** sacct of given jobs (with their steps: MaxRSS is a step's), parseable and without a header. */
export const SACCT_FIELDS = 'JobID,State,ExitCode,Elapsed,MaxRSS,JobName';
export const SACCT_ARGS = ['-P', '-n', '-o', SACCT_FIELDS];

export interface SlurmNode {
  host: string;
  partition: string;
  /** The partition is the cluster's default ("*" in sinfo). */
  defaultPartition: boolean;
  /** sinfo's long state, e.g. idle, mixed, allocated, drained, down*, draining. */
  state: string;
  /** Drained, draining, down, failing, not responding ("*"), or invalid: no new job goes there. */
  unavailable: boolean;
  gpus: number;
  gpusUsed: number;
}

/** The GPU count of a GRES list such as "gpu:2", "gpu:a100:4(S:0-1),shard:8" or "gpu:h100:2(IDX:0-1)". */
export function gresGpuCount(gres: string): number {
  let n = 0;
  for (const part of gres.split(/,(?![^()]*\))/)) {
    const m = /^(?:gres\/|gres:)?gpu(?::[^:(]+)?:(\d+)/.exec(part.trim());
    if (m) n += Number(m[1]);
  }
  return n;
}

const UNAVAILABLE = /^(drain|down|fail|inval|maint|reboot|future|power_down|powered_down|unknown)|\*$/;

export function parseSinfo(text: string): SlurmNode[] {
  const nodes: SlurmNode[] = [];
  for (const line of text.split('\n')) {
    const f = line.split('|');
    if (f.length < 5 || !f[0]) continue;
    const state = f[2].trim().toLowerCase();
    nodes.push({
      host: f[0],
      partition: f[1].replace(/\*$/, ''),
      defaultPartition: f[1].endsWith('*'),
      state,
      unavailable: UNAVAILABLE.test(state),
      gpus: gresGpuCount(f[3]),
      gpusUsed: gresGpuCount(f[4]),
    });
  }
  return nodes;
}

export interface GpuCount {
  total: number;
  used: number;
  /** Free on nodes that take jobs. */
  free: number;
  /** GPUs on drained or down nodes. */
  unavailable: number;
}

/** GPUs per partition (a node in two partitions counts in both) and for the cluster (each node once). */
export function gpuTotals(nodes: SlurmNode[]): { cluster: GpuCount; partitions: Map<string, GpuCount> } {
  const add = (c: GpuCount, n: SlurmNode) => {
    c.total += n.gpus;
    c.used += n.gpusUsed;
    if (n.unavailable) c.unavailable += n.gpus - n.gpusUsed;
    else c.free += Math.max(0, n.gpus - n.gpusUsed);
  };
  const zero = (): GpuCount => ({ total: 0, used: 0, free: 0, unavailable: 0 });
  const cluster = zero();
  const partitions = new Map<string, GpuCount>();
  const seen = new Set<string>();
  for (const n of nodes) {
    if (!partitions.has(n.partition)) partitions.set(n.partition, zero());
    add(partitions.get(n.partition)!, n);
    if (!seen.has(n.host)) {
      seen.add(n.host);
      add(cluster, n);
    }
  }
  return { cluster, partitions };
}

export interface SlurmJob {
  /** "12", "12_3" (array task) or "12_[0-3%2]" (array tasks not started yet). */
  id: string;
  /** The job id itself (the array's id for its tasks). */
  jobId: string;
  /** Array task index, or null. */
  arrayTask: number | null;
  /** The task indices a folded record of an array's pending tasks stands for ("12_[1,3-4%2]"), else null. */
  pendingTasks: number[] | null;
  name: string;
  /** PENDING, RUNNING, COMPLETED, TIMEOUT, … */
  state: string;
  /** Why it waits (Priority, Resources, Dependency, …) or None. */
  reason: string;
  /** Seconds run so far. */
  elapsed: number | null;
  /** Time limit in seconds; null when unlimited or unknown. */
  limit: number | null;
  nodes: number;
  gpus: number;
  nodeList: string;
  partition: string;
}

/** Slurm's durations: "59", "1:00", "12:03:04", "2-03:04:05", "2-03"; UNLIMITED/INVALID/N/A give null. */
export function parseSlurmDuration(text: string): number | null {
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?(?:\.\d+)?$/.exec(text.trim());
  if (!m) return null;
  const days = Number(m[1] ?? 0);
  const parts = [m[2], m[3], m[4]].filter((x) => x !== undefined).map(Number);
  let secs: number;
  if (m[1] !== undefined) {
    // with days: hours[:minutes[:seconds]]
    const [h, mi = 0, s = 0] = parts;
    secs = h * 3600 + mi * 60 + s;
  } else if (parts.length === 3) secs = parts[0] * 3600 + parts[1] * 60 + parts[2];
  else if (parts.length === 2) secs = parts[0] * 60 + parts[1];
  else secs = parts[0] * 60; // a lone number is minutes in a time limit; squeue's elapsed always has a colon
  return days * 86400 + secs;
}

/** The indices of "12_[0-3%2]", "12_[1,3%1]" or "12_[5]" (the %throttle dropped); null for any other id. */
export function foldedTasks(id: string): number[] | null {
  const m = /^\d+_\[([\d,-]+)(?:%\d+)?\]$/.exec(id);
  if (!m) return null;
  const out: number[] = [];
  for (const part of m[1].split(',')) {
    const r = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!r) return null;
    const last = Number(r[2] ?? r[1]);
    // a range this wide is not one a sweep submits: keep the record from expanding without bound
    if (last - Number(r[1]) > 100_000) return null;
    for (let i = Number(r[1]); i <= last; i++) out.push(i);
  }
  return out;
}

/**
 * The queue's record of a job or array task ("12" or "12_3"): the task's own record once it
 * started, else the folded record of the array's pending tasks that holds it, else the array's
 * bare record (what is left of it once its unstarted tasks were cancelled: "12 CANCELLED").
 */
export function findJob(jobs: readonly SlurmJob[], id: string): SlurmJob | null {
  const exact = jobs.find((j) => j.id === id);
  if (exact) return exact;
  const m = /^(\d+)_(\d+)$/.exec(id);
  if (!m) return jobs.find((j) => j.jobId === id) ?? null;
  const task = Number(m[2]);
  return (
    jobs.find((j) => j.jobId === m[1] && j.pendingTasks?.includes(task)) ?? jobs.find((j) => j.id === m[1]) ?? null
  );
}

export function parseSqueue(text: string): SlurmJob[] {
  const jobs: SlurmJob[] = [];
  for (const line of text.split('\n')) {
    const f = line.split('|');
    if (f.length < 10 || !/^\d/.test(f[0])) continue;
    const arr = /^(\d+)_(\d+)$/.exec(f[0]);
    jobs.push({
      id: f[0],
      jobId: /^\d+/.exec(f[0])![0],
      arrayTask: arr ? Number(arr[2]) : null,
      pendingTasks: foldedTasks(f[0]),
      state: f[1],
      reason: f[2],
      elapsed: parseSlurmDuration(f[3]),
      limit: parseSlurmDuration(f[4]),
      nodes: /^\d+$/.test(f[5]) ? Number(f[5]) : 0,
      gpus: gresGpuCount(f[6]),
      nodeList: f[7],
      partition: f[8],
      name: f.slice(9).join('|'),
    });
  }
  return jobs;
}

export interface SlurmJobEnd {
  /** "12" or "12_3". */
  id: string;
  name: string;
  /** COMPLETED, FAILED, TIMEOUT, OUT_OF_MEMORY, PREEMPTED, NODE_FAIL, CANCELLED (the "by uid" dropped). */
  state: string;
  /** The exit code of the script, or null when it ended by a signal or is unknown. */
  exitCode: number | null;
  /** The signal that ended it (ExitCode "0:9"), or null. */
  signal: number | null;
  elapsed: number | null;
  /** The largest MaxRSS of its steps, in bytes, or null. */
  maxRssBytes: number | null;
}

const RSS_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** sacct's MaxRSS ("1234K", "2.50G", "0") in bytes, or null. */
export function parseRss(text: string): number | null {
  const m = /^([\d.]+)([KMGT]?)$/.exec(text.trim());
  return m ? Math.round(Number(m[1]) * RSS_UNITS[m[2]]) : null;
}

/** sacct -P -n -o SACCT_FIELDS: one entry per job, its steps' MaxRSS folded in. */
export function parseSacct(text: string): SlurmJobEnd[] {
  const jobs = new Map<string, SlurmJobEnd>();
  const rss = new Map<string, number>();
  for (const line of text.split('\n')) {
    const f = line.split('|');
    if (f.length < 6 || !/^\d/.test(f[0])) continue;
    const [id, step] = f[0].split('.', 2) as [string, string | undefined];
    const r = parseRss(f[4]);
    if (r !== null) rss.set(id, Math.max(rss.get(id) ?? 0, r));
    if (step !== undefined) continue;
    const code = /^(\d+):(\d+)$/.exec(f[2]);
    const signal = code ? Number(code[2]) : null;
    jobs.set(id, {
      id,
      name: f.slice(5).join('|'),
      state: f[1].split(' ')[0],
      exitCode: code && signal === 0 ? Number(code[1]) : null,
      signal: signal ? signal : null,
      elapsed: parseSlurmDuration(f[3]),
      maxRssBytes: null,
    });
  }
  for (const [id, j] of jobs) j.maxRssBytes = rss.get(id) ?? null;
  return [...jobs.values()];
}

/** Job states that are over (the job holds no node). */
export const ENDED_STATES = new Set([
  'COMPLETED',
  'FAILED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'PREEMPTED',
  'NODE_FAIL',
  'CANCELLED',
  'BOOT_FAIL',
  'DEADLINE',
  'SPECIAL_EXIT',
  'REVOKED',
]);

/** The states that count as a failure of the run (watchdog events, automatic restart). */
export const FAILURE_STATES = new Set(['FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'PREEMPTED', 'NODE_FAIL', 'BOOT_FAIL']);
