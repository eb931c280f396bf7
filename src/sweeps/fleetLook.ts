/**
 * One read-only look at every host of a sweep: its runs (through the run backend, as a launch
 * probes), its GPUs and their compute processes, its queue and its sweeps. A host that cannot be
 * reached is a look with an error, never an exception: the sweep goes on with the others.
 */
import type { CommandExec, HostSnapshot, RunBackend } from '../backends/runBackend.js';
import { safeLine } from '../text/sanitise.js';
import type { KnownRun } from './dedupe.js';
import type { HostCapacity } from './placement.js';
import { type ListedEntry, listQueueCommand, parseQueueListing } from './queueCommands.js';
import { parseSweepLook, type SweepLook, sweepLookCommand } from './sweepFiles.js';

export interface HostLook {
  host: string;
  /** Why the host could not be read (then the rest is empty). */
  error: string | null;
  snapshot: HostSnapshot | null;
  look: SweepLook | null;
  queue: ListedEntry[];
}

const NVIDIA_SMI_TIMEOUT_MS = 20_000;

/** Looks at one host; never throws. */
export async function lookAtHost(
  exec: CommandExec,
  backend: RunBackend,
  host: string,
  rawRemoteDir: string,
): Promise<HostLook> {
  try {
    const snapshot = await backend.inspect(exec, host, rawRemoteDir);
    const l = await exec(sweepLookCommand(host), { timeoutMs: NVIDIA_SMI_TIMEOUT_MS });
    const look = parseSweepLook(l.stdout);
    if (!look) throw new Error(`the GPU look printed nothing usable (exit ${l.code ?? 'none'})`);
    const q = await exec(listQueueCommand(host), { timeoutMs: 20_000 });
    const queue = parseQueueListing(q.stdout);
    if (!queue) throw new Error(`the queue listing printed nothing usable (exit ${q.code ?? 'none'})`);
    return { host, error: null, snapshot, look, queue: queue.entries };
  } catch (error) {
    return { host, error: safeLine((error as Error).message), snapshot: null, look: null, queue: [] };
  }
}

/** A live run's GPUs as the placement counts them: its CUDA_VISIBLE_DEVICES, or every GPU. */
function assignedGpus(gpus: string | null): (number | 'all')[] {
  if (gpus === null) return ['all'];
  const list = gpus.split(',').map((g) => Number(g.trim()));
  return list.every((n) => Number.isInteger(n) && n >= 0) ? list : ['all'];
}

/** What the placement needs of a host. */
export function capacityOf(l: HostLook): HostCapacity {
  if (l.error || !l.snapshot || !l.look?.gpus) return { host: l.host, gpus: null, assigned: [], queued: 0 };
  const busyUuids = new Set(l.look.apps.map((a) => a.gpuUuid));
  return {
    host: l.host,
    gpus: l.look.gpus.map((g) => ({ index: g.index, memoryUsedMiB: g.memoryUsedMiB, busy: busyUuids.has(g.uuid) })),
    assigned: l.snapshot.runs.filter((r) => r.state === 'running').flatMap((r) => assignedGpus(r.gpus)),
    queued: l.queue.filter((e) => e.state === 'queued').length,
  };
}

/** Every run and queued entry with a config hash on the hosts that could be read. */
export function knownRunsOf(looks: readonly HostLook[]): KnownRun[] {
  const out: KnownRun[] = [];
  for (const l of looks) {
    for (const r of l.snapshot?.runs ?? []) {
      if (!r.manifest.configHash) continue;
      const state = r.state === 'exited' ? `exited ${r.exitCode ?? '?'}` : r.state === 'gone' ? 'ended' : r.state;
      out.push({ hash: r.manifest.configHash, id: r.id, host: l.host, state });
    }
    for (const e of l.queue) {
      if (!e.manifest?.configHash) continue;
      out.push({ hash: e.manifest.configHash, id: e.runId, host: l.host, state: 'queued' });
    }
  }
  return out;
}

/** Every name a new run of a sweep must not take: runs, tmux sessions and queued entries on every host. */
export function takenIds(looks: readonly HostLook[]): Set<string> {
  const out = new Set<string>();
  for (const l of looks) {
    for (const r of l.snapshot?.runs ?? []) out.add(r.id);
    for (const n of l.snapshot?.takenNames ?? []) out.add(n);
    for (const e of l.queue) out.add(e.runId);
  }
  return out;
}

/** Runs of a sweep running now on each host read. */
export function runningOn(looks: readonly HostLook[], sweep: string): Map<string, number> {
  return new Map(
    looks.map((l) => [
      l.host,
      (l.snapshot?.runs ?? []).filter((r) => r.state === 'running' && r.manifest.sweep === sweep).length,
    ]),
  );
}

/** Runs of a sweep running now, on every host read. */
export function runningOf(looks: readonly HostLook[], sweep: string): number {
  let n = 0;
  for (const c of runningOn(looks, sweep).values()) n += c;
  return n;
}
