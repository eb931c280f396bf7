/**
 * Where each run of a sweep goes: onto free GPUs now, or into a host's queue. Pure: the hosts'
 * GPUs, compute processes and live runs come in, a plan comes out.
 *
 * A GPU is free when no compute process runs on it (ours or a colleague's), its memory in use
 * is under the optional threshold, and no live trainyard run on the host has it in its manifest
 * (a run that just started has no CUDA context yet). With `share`, processes and other runs do
 * not block a GPU (only the memory threshold does) and runs are spread over the GPUs in turn.
 * Hosts are tried in preference order; `maxParallel` caps the sweep's runs running at once.
 *
 * With a cap, each host also gets its share of it (`caps`): the watchdogs start queued runs with
 * the laptop closed and each sees only its own machine, so the cap is split over the hosts (a
 * host's runs of the sweep now, plus what is left of the cap for hosts with queued runs) and a
 * queued run goes only to a host with a share.
 */

export interface GpuState {
  index: number;
  memoryUsedMiB: number | null;
  /** A compute process runs on it (nvidia-smi --query-compute-apps). */
  busy: boolean;
}

export interface HostCapacity {
  host: string;
  /** null: the host could not be read (unreachable, nvidia-smi failed): nothing goes there. */
  gpus: GpuState[] | null;
  /** GPU indices in the manifests of live trainyard runs on this machine; "all" for a run with every GPU. */
  assigned: (number | 'all')[];
  /** Entries already waiting in this host's queue (any sweep). */
  queued: number;
}

export interface PlacementInput<T> {
  /** In preference order (--hosts). */
  hosts: readonly HostCapacity[];
  runs: readonly T[];
  gpusPerRun: number;
  share: boolean;
  /** null: no cap. */
  maxParallel: number | null;
  /** Runs of this sweep running now (they count against maxParallel). */
  running: number;
  /** Of those, how many on each host (hosts not named: none). */
  runningOn?: ReadonlyMap<string, number>;
  /** A GPU with at least this much memory in use is not free; null: no threshold. */
  freeMemoryMiB: number | null;
}

export interface Placement<T> {
  now: { run: T; host: string; gpus: number[] }[];
  queued: { run: T; host: string }[];
  /** Runs no host can ever take (every host has fewer GPUs than a run wants, or none is readable). */
  unplaceable: T[];
  /** With maxParallel: each host's share of it (they add up to at most maxParallel); null without a cap. */
  caps: Map<string, number> | null;
}

/** The GPU indices of a host that a new run may use now, in index order. */
export function freeGpus(h: HostCapacity, share: boolean, freeMemoryMiB: number | null): number[] {
  if (!h.gpus) return [];
  const everyGpuTaken = !share && h.assigned.includes('all');
  const assigned = new Set(h.assigned.filter((a): a is number => a !== 'all'));
  return h.gpus
    .filter((g) => {
      if (freeMemoryMiB !== null && (g.memoryUsedMiB ?? Number.POSITIVE_INFINITY) >= freeMemoryMiB) return false;
      if (share) return true;
      return !everyGpuTaken && !g.busy && !assigned.has(g.index);
    })
    .map((g) => g.index)
    .sort((a, b) => a - b);
}

/** How many runs of `gpusPerRun` a host holds at once when every GPU is free. */
export function slotsOf(h: HostCapacity, gpusPerRun: number): number {
  return h.gpus ? Math.floor(h.gpus.length / gpusPerRun) : 0;
}

export function placeRuns<T>(input: PlacementInput<T>): Placement<T> {
  const { gpusPerRun, share } = input;
  if (!Number.isInteger(gpusPerRun) || gpusPerRun < 1) throw new Error(`gpusPerRun must be a positive integer`);
  let budget =
    input.maxParallel === null ? Number.POSITIVE_INFINITY : Math.max(0, input.maxParallel - Math.max(0, input.running));
  const free = new Map(input.hosts.map((h) => [h.host, freeGpus(h, share, input.freeMemoryMiB)]));
  const pending = [...input.runs];
  const now: Placement<T>['now'] = [];

  if (share) {
    // one run per GPU per round, over every host in order, until the runs or the budget run out
    let placed = true;
    while (placed && pending.length && budget > 0) {
      placed = false;
      for (const h of input.hosts) {
        const gpus = free.get(h.host) ?? [];
        for (let i = 0; i + gpusPerRun <= gpus.length && pending.length && budget > 0; i += gpusPerRun) {
          now.push({ run: pending.shift() as T, host: h.host, gpus: gpus.slice(i, i + gpusPerRun) });
          budget--;
          placed = true;
        }
      }
    }
  } else {
    for (const h of input.hosts) {
      const gpus = free.get(h.host) ?? [];
      while (gpus.length >= gpusPerRun && pending.length && budget > 0) {
        now.push({ run: pending.shift() as T, host: h.host, gpus: gpus.splice(0, gpusPerRun) });
        budget--;
      }
    }
  }

  // the rest waits: each run to the host whose queue is shortest for its size, preference order on ties
  const caps = input.maxParallel === null ? null : new Map<string, number>();
  if (caps) for (const h of input.hosts) caps.set(h.host, input.runningOn?.get(h.host) ?? 0);
  if (caps) for (const n of now) caps.set(n.host, (caps.get(n.host) ?? 0) + 1);
  let takers = input.hosts.filter((h) => slotsOf(h, gpusPerRun) > 0);
  if (caps && pending.length) {
    // what is left of the cap: first one share to each host without one, in preference order
    for (const h of takers)
      if (budget > 0 && caps.get(h.host) === 0) {
        caps.set(h.host, 1);
        budget--;
      }
    const shared = takers.filter((h) => (caps.get(h.host) ?? 0) > 0);
    if (shared.length) takers = shared;
  }
  const queued: Placement<T>['queued'] = [];
  if (!takers.length) return { now, queued, unplaceable: pending, caps };
  const queuedOn = new Map(input.hosts.map((h) => [h.host, Math.max(0, h.queued)]));
  for (const run of pending) {
    let best = takers[0];
    let bestLoad = Number.POSITIVE_INFINITY;
    for (const h of takers) {
      const load = ((queuedOn.get(h.host) ?? 0) + 1) / slotsOf(h, gpusPerRun);
      if (load < bestLoad) {
        best = h;
        bestLoad = load;
      }
    }
    queuedOn.set(best.host, (queuedOn.get(best.host) ?? 0) + 1);
    queued.push({ run, host: best.host });
  }
  // then the rest of the cap, one at a time in turn, to hosts with queued runs and room for more
  if (caps)
    for (let given = true; given && budget > 0; ) {
      given = false;
      for (const h of takers) {
        const cap = caps.get(h.host) ?? 0;
        if (budget > 0 && cap < slotsOf(h, gpusPerRun) && queued.some((q) => q.host === h.host)) {
          caps.set(h.host, cap + 1);
          budget--;
          given = true;
        }
      }
    }
  return { now, queued, unplaceable: [], caps };
}
