/**
 * A sweep's plan from one look at its hosts: which parameter sets are duplicates, the new runs'
 * names, which start now on which GPUs and which wait in which host's queue. Pure, so the
 * dry run, the confirmation and the real start all show and do the same thing.
 */
import { type KnownRun, splitDuplicates } from './dedupe.js';
import { describeSet, type ParamSet, runIds } from './expand.js';
import { capacityOf, type HostLook, knownRunsOf, runningOf, runningOn, takenIds } from './fleetLook.js';
import { placeRuns } from './placement.js';
import type { SweepSpec } from './spec.js';

export interface PlannedRun {
  id: string;
  params: ParamSet;
  hash: string;
}

export interface SweepPlan {
  spec: SweepSpec;
  launch: { run: PlannedRun; host: string; gpus: number[] }[];
  queue: { run: PlannedRun; host: string }[];
  duplicates: { params: ParamSet; hash: string; seen: KnownRun }[];
  /** Runs no readable host can take (too few GPUs anywhere). */
  unplaceable: PlannedRun[];
  /** Hosts left out, and why (unreachable, no GPUs readable, code not synced). */
  skippedHosts: { host: string; why: string }[];
  /** Runs of the sweep running now. */
  running: number;
  /** With maxParallel: how many of the sweep's runs each host's watchdog may run at once (they add up to at most maxParallel). */
  hostCaps: Record<string, number> | null;
  /** The same shares by machine key, as the watchdogs read them from sweep.json. */
  machineCaps: Record<string, number> | null;
}

/**
 * `hashes[i]` is the config hash of `spec.paramSets[i]`; `extraKnown` are runs known otherwise
 * (local manifests of hosts that could not be read).
 */
export function planSweep(
  spec: SweepSpec,
  looks: readonly HostLook[],
  hashes: readonly string[],
  extraKnown: readonly KnownRun[] = [],
): SweepPlan {
  const skippedHosts: SweepPlan['skippedHosts'] = [];
  const usable: HostLook[] = [];
  for (const l of looks) {
    if (l.error) skippedHosts.push({ host: l.host, why: l.error });
    else if (l.snapshot && !l.snapshot.remoteDirExists)
      skippedHosts.push({
        host: l.host,
        why: `${l.snapshot.remoteDir} does not exist — sync the code first: trainyard sync ${spec.project} --host ${l.host}`,
      });
    else if (l.snapshot?.backendError) skippedHosts.push({ host: l.host, why: l.snapshot.backendError });
    else if (!l.look?.gpus) skippedHosts.push({ host: l.host, why: `no GPUs to use: ${l.look?.gpuProblem ?? '?'}` });
    else usable.push(l);
  }
  const { fresh, duplicates } = splitDuplicates(
    spec.paramSets.map((params, i) => ({ item: params, hash: hashes[i] })),
    [...knownRunsOf(looks), ...extraKnown],
  );
  const ids = runIds(spec.name, fresh.length, takenIds(looks));
  const runs: PlannedRun[] = fresh.map((c, i) => ({ id: ids[i], params: c.item, hash: c.hash }));
  const running = runningOf(looks, spec.name);
  const placed = placeRuns({
    hosts: spec.hosts
      .map((h) => usable.find((l) => l.host === h))
      .filter((l) => l !== undefined)
      .map(capacityOf),
    runs,
    gpusPerRun: spec.gpusPerRun,
    share: spec.share,
    maxParallel: spec.maxParallel,
    running,
    runningOn: runningOn(looks, spec.name),
    freeMemoryMiB: spec.freeMemoryMiB,
  });
  return {
    spec,
    launch: placed.now,
    queue: placed.queued,
    duplicates: duplicates.map((d) => ({ params: d.item, hash: d.hash, seen: d.seen })),
    unplaceable: placed.unplaceable,
    skippedHosts,
    running,
    hostCaps: placed.caps ? Object.fromEntries(placed.caps) : null,
    machineCaps: placed.caps ? byMachine(placed.caps, looks) : null,
  };
}

/** Host shares summed by machine key (two aliases of one machine share its watchdog). */
function byMachine(caps: ReadonlyMap<string, number>, looks: readonly HostLook[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [host, n] of caps) {
    const machine = looks.find((l) => l.host === host)?.look?.machine;
    if (machine) out[machine] = (out[machine] ?? 0) + n;
  }
  return out;
}

/** The plan in lines, for the dry run and the confirmation. */
export function describePlan(plan: SweepPlan): string[] {
  const s = plan.spec;
  const lines = [
    `sweep ${s.name}: ${s.paramSets.length} run(s) of ${s.project} on ${s.hosts.join(', ')}, ${s.gpusPerRun} GPU(s) each${s.maxParallel ? `, at most ${s.maxParallel} at once` : ''}${plan.running ? ` (${plan.running} running now)` : ''}`,
  ];
  for (const l of plan.launch)
    lines.push(`  start now  ${l.run.id} on ${l.host} GPU ${l.gpus.join(',')}: ${describeSet(l.run.params)}`);
  for (const q of plan.queue) lines.push(`  queue      ${q.run.id} on ${q.host}: ${describeSet(q.run.params)}`);
  for (const d of plan.duplicates)
    lines.push(
      `  skip       ${describeSet(d.params)}: same config as ${d.seen.id} on ${d.seen.host} (${d.seen.state})`,
    );
  const caps = plan.hostCaps;
  if (caps && plan.queue.length)
    lines.push(
      `  at once    ${Object.entries(caps)
        .filter(([h, n]) => n > 0 || plan.queue.some((q) => q.host === h))
        .map(([h, n]) => `${h} ${n}`)
        .join(', ')} (with the laptop closed, each host's watchdog keeps to its share)`,
    );
  for (const u of plan.unplaceable)
    lines.push(`  cannot place ${u.id}: no host has ${s.gpusPerRun} GPU(s): ${describeSet(u.params)}`);
  for (const h of plan.skippedHosts) lines.push(`  host ${h.host} left out: ${h.why}`);
  if (s.repeated) lines.push(`  ${s.repeated} parameter set(s) given twice in the sweep: kept once`);
  return lines;
}

/** What starting a sweep did (on SSH hosts or as a cluster's job array). */
export interface SweepOutcome {
  ok: boolean;
  /** One line: what happened. */
  summary: string;
  plan: SweepPlan | null;
  started: string[];
  queued: string[];
  failed: { id: string; why: string }[];
  /** The user said no. */
  declined?: boolean;
}
