/**
 * `trainyard sweep`: one look at every host of the sweep, dedupe, placement, one question, then
 * each run that fits starts now through the launch action (as `trainyard launch` would start it,
 * with the sweep's name and the run's parameters in its manifest) and each other run is queued
 * on a host through the same launch action with the queue backend (src/sweeps/queueBackend.ts).
 */

import { runConfigHashes } from '../actions/launch.js';
import { readLocalManifests } from '../actions/localManifests.js';
import { resolveProject } from '../actions/project.js';
import type { KnownRun } from './dedupe.js';
import { skippedLine } from './dedupe.js';
import { describeSet } from './expand.js';
import { type HostLook, lookAtHost } from './fleetLook.js';
import { describePlan, planSweep, type SweepOutcome, type SweepPlan } from './plan.js';
import { queueBackend } from './queueBackend.js';
import { askOnce, backendOf, hostExec, runAction, type SweepSession } from './session.js';
import { slurmHostsAmong, startSlurmSweep } from './slurmSweep.js';
import { type SweepSpec, sweepProject } from './spec.js';
import { type SweepFile, writeSweepCommand } from './sweepFiles.js';

export type { SweepOutcome } from './plan.js';

/** Every host of the sweep, looked at in parallel; unreachable ones come back with an error. */
export async function lookAtHosts(
  s: SweepSession,
  hosts: readonly string[],
  project: string | null,
): Promise<HostLook[]> {
  return Promise.all(
    hosts.map(async (host) => {
      try {
        const exec = await hostExec(s, host);
        const dir = project ? resolveProject(s.config, project, host).remoteDir : '~';
        const backend = await backendOf(s, host);
        // a cluster's runs only: its scheduler places them (a sweep there is a job array, slurmSweep.ts)
        if (backend.kind === 'slurm')
          return { host, error: null, snapshot: await backend.inspect(exec, host, dir), look: null, queue: [] };
        if (backend.kind !== 'tmux') throw new Error(`a ${backend.kind} host: sweeps place runs on SSH hosts only`);
        return await lookAtHost(exec, backend, host, dir);
      } catch (error) {
        return { host, error: (error as Error).message, snapshot: null, look: null, queue: [] };
      }
    }),
  );
}

/** Runs known from this machine's own manifests, for hosts that could not be read now. */
async function locallyKnown(s: SweepSession, unreadable: string[]): Promise<KnownRun[]> {
  if (!unreadable.length || !s.dataDir) return [];
  const manifests = await readLocalManifests(s.dataDir);
  return manifests
    .filter((m) => unreadable.includes(m.host) && m.configHash)
    .map((m) => ({
      hash: m.configHash,
      id: m.session,
      host: m.host,
      state: 'launched from here (host not reachable)',
    }));
}

export async function planFor(s: SweepSession, spec: SweepSpec): Promise<{ plan: SweepPlan; looks: HostLook[] }> {
  const project = sweepProject(s.config, spec);
  s.output(`› looking at ${spec.hosts.join(', ')}`, 'step');
  const looks = await lookAtHosts(s, spec.hosts, spec.project);
  const hashes = await runConfigHashes(s.config, project, s.env ?? process.env, spec.paramSets);
  const extra = await locallyKnown(
    s,
    looks.filter((l) => l.error).map((l) => l.host),
  );
  return { plan: planSweep(spec, looks, hashes, extra), looks };
}

export async function startSweep(s: SweepSession, spec: SweepSpec): Promise<SweepOutcome> {
  sweepProject(s.config, spec); // a missing parameter is said before any host is touched
  if ((await slurmHostsAmong(s, spec.hosts)).length) return startSlurmSweep(s, spec);
  const { plan } = await planFor(s, spec);
  for (const line of describePlan(plan)) s.output(line, 'out');
  const skipped = skippedLine(plan.duplicates);
  const outcome: SweepOutcome = { ok: true, summary: '', plan, started: [], queued: [], failed: [] };
  const todo = plan.launch.length + plan.queue.length;
  if (todo === 0) {
    outcome.ok = plan.unplaceable.length === 0;
    outcome.summary = `nothing to start for sweep ${spec.name}${skipped ? `: ${skipped}` : ''}`;
    return outcome;
  }
  const question = `Start sweep ${spec.name}: ${plan.launch.length} run(s) now, ${plan.queue.length} queued${skipped ? `, ${skipped}` : ''}?`;
  if (!(await askOnce(s, question, describePlan(plan).slice(1), false)))
    return { ...outcome, ok: false, declined: true, summary: `sweep ${spec.name} not started` };

  const record: SweepFile = {
    name: spec.name,
    project: spec.project,
    params: spec.paramSets,
    maxParallel: spec.maxParallel,
    maxParallelOn: plan.machineCaps,
    failLimit: spec.failLimit,
    freeMemoryMiB: spec.freeMemoryMiB,
    gpusPerRun: spec.gpusPerRun,
    createdAt: new Date().toISOString(),
  };
  const hostsUsed = [...new Set([...plan.launch.map((l) => l.host), ...plan.queue.map((q) => q.host)])];
  for (const host of hostsUsed) {
    const exec = await hostExec(s, host);
    const r = await exec(writeSweepCommand(host, record), { timeoutMs: 20_000 });
    if (r.code !== 0) s.output(`could not record sweep ${spec.name} on ${host}: ${r.stderr.trim()}`, 'warn');
  }

  const base = { sweep: spec.name, by: s.by === 'agent' ? ('agent' as const) : undefined, verifyMs: 0 };
  for (const l of plan.launch) {
    const v = await runAction(s, 'launch', {
      host: l.host,
      project: spec.project,
      params: { ...base, session: l.run.id, gpus: l.gpus.join(','), runParams: l.run.params },
    });
    if (v.outcome === 'ok') {
      outcome.started.push(l.run.id);
      s.output(`started ${l.run.id} on ${l.host} GPU ${l.gpus.join(',')}: ${describeSet(l.run.params)}`, 'step');
    } else outcome.failed.push({ id: l.run.id, why: v.summary });
  }
  const byHost = new Map<string, boolean>();
  for (const q of plan.queue) {
    const backend = queueBackend(await backendOf(s, q.host), {
      want: spec.gpusPerRun,
      share: spec.share,
      onQueued: (host, _entry, watchdog) => byHost.set(host, watchdog),
    });
    const v = await runAction(
      s,
      'launch',
      {
        host: q.host,
        project: spec.project,
        params: { ...base, session: q.run.id, gpus: 'all', runParams: q.run.params },
      },
      { backend, quiet: ['step'] },
    );
    if (v.outcome === 'ok') {
      outcome.queued.push(q.run.id);
      s.output(`queued ${q.run.id} on ${q.host}: ${describeSet(q.run.params)}`, 'step');
    } else outcome.failed.push({ id: q.run.id, why: v.summary });
  }
  for (const [host, watchdog] of byHost)
    if (!watchdog)
      s.output(
        `no watchdog runs on ${host}: its queued runs start only once it does — trainyard watchdog install ${host}`,
        'warn',
      );
  for (const f of outcome.failed) s.output(`${f.id}: ${f.why}`, 'warn');
  outcome.ok = outcome.failed.length === 0;
  const verb = s.dryRun ? 'would start' : 'started';
  outcome.summary = `sweep ${spec.name}: ${verb} ${s.dryRun ? plan.launch.length : outcome.started.length}, queued ${s.dryRun ? plan.queue.length : outcome.queued.length}${outcome.failed.length ? `, ${outcome.failed.length} failed` : ''}${skipped ? `, ${skipped}` : ''}`;
  return outcome;
}
