/**
 * A sweep whose host is a Slurm login node becomes one job array (src/backends/slurm/arrayCommands.ts):
 * task i is the sweep's parameter set i, `%maxParallel` caps how many run at once, and Slurm
 * places them. Each task is built by the same launch action as any run (parameters, run
 * directory, manifest, config hash), collected instead of submitted, then all go in one sbatch.
 * Parameter sets whose config hash already ran, runs or waits are left out: a partial overlap
 * submits an array of the remaining indices.
 */
import { runConfigHashes } from '../actions/launch.js';
import { writeLocalManifest } from '../actions/localManifests.js';
import { resolveProject } from '../actions/project.js';
import type { LaunchRequest, RunBackend } from '../backends/runBackend.js';
import { launchScriptFor } from '../backends/runBackend.js';
import { hostConfig } from '../backends/select.js';
import {
  ARRAYS_DIR,
  arraySpec,
  slurmArrayLaunchCommand,
  slurmCancelTasksCommand,
  tasksFileText,
} from '../backends/slurm/arrayCommands.js';
import { guardScript, guardSubmitScript } from '../backends/slurm/restartGuard.js';
import { runSbatchScript } from '../backends/slurm/slurmBackend.js';
import { parseSections } from '../commands/sectioned.js';
import { RUNS_DIR } from '../runs/layout.js';
import { safeLine } from '../text/sanitise.js';
import { skippedLine, splitDuplicates } from './dedupe.js';
import { describeSet, type ParamSet, runIds, SweepError } from './expand.js';
import { type HostLook, knownRunsOf, takenIds } from './fleetLook.js';
import type { SweepOutcome } from './plan.js';
import { askOnce, backendOf, hostExec, runAction, type SweepSession } from './session.js';
import { type SweepSpec, sweepProject } from './spec.js';
import { writeSweepCommand } from './sweepFiles.js';

/** The hosts among these that are Slurm login nodes (a host that cannot be reached is not one here). */
export async function slurmHostsAmong(s: SweepSession, hosts: readonly string[]): Promise<string[]> {
  const kinds = await Promise.all(
    hosts.map(async (h) => {
      try {
        return (await backendOf(s, h)).kind === 'slurm';
      } catch {
        return false;
      }
    }),
  );
  return hosts.filter((_, i) => kinds[i]);
}

/**
 * The launch action's run, kept instead of submitted: the action ends at "dry" (no local manifest,
 * no check that it started), and the sweep submits every kept run in one array.
 */
function collectingBackend(base: RunBackend, kept: LaunchRequest[]): RunBackend {
  return {
    ...base,
    kind: base.kind,
    async launch(_exec, request) {
      kept.push(request);
      return { kind: 'dry' };
    },
    async liveState() {
      return { kind: 'absent' };
    },
  };
}

interface Task {
  index: number;
  id: string;
  params: ParamSet;
}

export async function startSlurmSweep(s: SweepSession, spec: SweepSpec): Promise<SweepOutcome> {
  if (spec.hosts.length !== 1)
    throw new SweepError(
      `sweep ${spec.name} names a Slurm cluster among other hosts (${spec.hosts.join(', ')}): a sweep on a cluster is one job array there`,
      'give the cluster alone: --hosts CLUSTER',
    );
  const host = spec.hosts[0];
  const project = sweepProject(s.config, spec);
  s.output(`› looking at ${host}`, 'step');
  const exec = await hostExec(s, host);
  const backend = await backendOf(s, host);
  const snapshot = await backend.inspect(exec, host, project.remoteDir);
  const none: SweepOutcome = { ok: false, summary: '', plan: null, started: [], queued: [], failed: [] };
  if (snapshot.backendError) return { ...none, summary: `${host}: ${safeLine(snapshot.backendError)}` };
  if (!snapshot.remoteDirExists)
    return {
      ...none,
      summary: `${snapshot.remoteDir} does not exist on ${host} — sync the code first: trainyard sync ${spec.project} --host ${host}`,
    };

  const look: HostLook = { host, error: null, snapshot, look: null, queue: [] };
  const hashes = await runConfigHashes(s.config, project, s.env ?? process.env, spec.paramSets);
  const { fresh, duplicates } = splitDuplicates(
    spec.paramSets.map((params, index) => ({ item: { params, index }, hash: hashes[index] })),
    knownRunsOf([look]),
  );
  const ids = runIds(spec.name, fresh.length, takenIds([look]));
  const tasks: Task[] = fresh.map((f, k) => ({ index: f.item.index, id: ids[k], params: f.item.params }));
  const skipped = skippedLine(duplicates.map((d) => ({ seen: d.seen })));
  const array = tasks.length
    ? arraySpec(
        tasks.map((t) => t.index),
        spec.maxParallel,
      )
    : '';
  const lines = [
    `sweep ${spec.name}: ${spec.paramSets.length} run(s) of ${spec.project} on ${host} as one Slurm job array${array ? ` --array=${array}` : ''}, ${spec.gpusPerRun} GPU(s) each${spec.maxParallel ? `, at most ${spec.maxParallel} at once` : ''}`,
    ...tasks.map((t) => `  task ${t.index}  ${t.id}: ${describeSet(t.params)}`),
    ...duplicates.map(
      (d) =>
        `  skip       ${describeSet(d.item.params)}: same config as ${d.seen.id} on ${d.seen.host} (${d.seen.state})`,
    ),
    ...(spec.repeated ? [`  ${spec.repeated} parameter set(s) given twice in the sweep: kept once`] : []),
  ];
  for (const line of lines) s.output(line, 'out');
  const outcome: SweepOutcome = { ...none, ok: true };
  if (!tasks.length)
    return { ...outcome, summary: `nothing to start for sweep ${spec.name}${skipped ? `: ${skipped}` : ''}` };
  const question = `Submit sweep ${spec.name} to ${host}: ${tasks.length} run(s) as one job array${skipped ? `, ${skipped}` : ''}?`;
  if (!(await askOnce(s, question, lines.slice(1), false)))
    return { ...outcome, ok: false, declined: true, summary: `sweep ${spec.name} not started` };

  const record = {
    name: spec.name,
    project: spec.project,
    params: spec.paramSets,
    maxParallel: spec.maxParallel,
    failLimit: spec.failLimit,
    freeMemoryMiB: spec.freeMemoryMiB,
    gpusPerRun: spec.gpusPerRun,
    createdAt: new Date().toISOString(),
  };
  const w = await exec(writeSweepCommand(host, record), { timeoutMs: 20_000 });
  if (w.code !== 0) s.output(`could not record sweep ${spec.name} on ${host}: ${safeLine(w.stderr)}`, 'warn');

  // each task is built by the launch action, exactly as `trainyard launch` builds a run
  const kept: LaunchRequest[] = [];
  const collector = collectingBackend(backend, kept);
  const gpus = spec.gpusPerRun === 1 ? 'least-used' : `least-used:${spec.gpusPerRun}`;
  const by = s.by === 'agent' ? ('agent' as const) : undefined;
  const built: Task[] = [];
  for (const t of tasks) {
    const v = await runAction(
      s,
      'launch',
      {
        host,
        project: spec.project,
        params: { sweep: spec.name, by, verifyMs: 0, session: t.id, gpus, runParams: t.params },
      },
      { backend: collector, quiet: ['step'] },
    );
    if (v.outcome === 'ok' && kept.some((q) => q.id === t.id)) built.push(t);
    else outcome.failed.push({ id: t.id, why: v.summary });
  }
  if (!built.length) return { ...outcome, ok: false, summary: `sweep ${spec.name}: no run could be built` };

  const requests = built.map((t) => kept.find((q) => q.id === t.id) as LaunchRequest);
  const first = requests[0];
  const name = first.id;
  const h = hostConfig(s.config, host);
  const runsDir = `${first.home}/${RUNS_DIR}`;
  const submitted = arraySpec(
    built.map((t) => t.index),
    spec.maxParallel,
  );
  const arraySbatchText = runSbatchScript(h, first, {
    jobName: spec.name,
    output: `${first.home}/${ARRAYS_DIR}/${name}-%A_%a.out`,
    array: submitted,
    runScript: { tasksFile: `${first.home}/${ARRAYS_DIR}/${name}.tasks`, runsDir },
  });
  const r = await exec(
    slurmArrayLaunchCommand(host, {
      home: first.home,
      name,
      arraySbatchText,
      tasksText: tasksFileText(built),
      tasks: requests.map((q, k) => ({
        index: built[k].index,
        id: q.id,
        manifestJson: JSON.stringify(q.manifest),
        // Slurm sets CUDA_VISIBLE_DEVICES to the GPUs it gave the task
        scriptText: launchScriptFor(q, null),
        sbatchText: runSbatchScript(h, q),
      })),
      guardText: guardScript(),
      guardSubmitText: guardSubmitScript(h),
      secrets: first.secrets,
    }),
    { timeoutMs: 120_000 },
  );
  if (r.dry) {
    outcome.summary = `sweep ${spec.name}: would submit ${built.length} run(s) as one job array --array=${submitted}${skipped ? `, ${skipped}` : ''}`;
    return outcome;
  }
  if (r.code !== 0) {
    const why = safeLine((r.stderr || r.stdout).trim().split('\n').slice(-2).join(' / ') || `exit ${r.code}`);
    for (const t of built) outcome.failed.push({ id: t.id, why: `sbatch refused the array: ${why}` });
    return { ...outcome, ok: false, summary: `sweep ${spec.name}: sbatch refused the array: ${why}` };
  }
  const out = parseSections(r.stdout);
  const job = safeLine(out.value('jobid') ?? '?');
  for (const g of out.all('guard-refused')) s.output(`restart guard refused: ${safeLine(g.value)}`, 'warn');
  for (const q of requests) {
    if (s.dataDir)
      await writeLocalManifest(s.dataDir, q.manifest).catch((e: Error) =>
        s.output(`could not write the local manifest of ${q.id}: ${e.message}`, 'warn'),
      );
    outcome.started.push(q.id);
  }
  s.output(
    `submitted Slurm job array ${job} (--array=${submitted}): ${built.map((t) => `${job}_${t.index} ${t.id}`).join(', ')}`,
    'step',
  );
  for (const f of outcome.failed) s.output(`${f.id}: ${f.why}`, 'warn');
  outcome.ok = outcome.failed.length === 0;
  outcome.summary = `sweep ${spec.name}: submitted ${built.length} run(s) as Slurm job array ${job}${outcome.failed.length ? `, ${outcome.failed.length} failed` : ''}${skipped ? `, ${skipped}` : ''}`;
  return outcome;
}

export interface SlurmSweepPresence {
  host: string;
  error: string | null;
  /**
   * Runs of the sweep whose task waits in the queue, and those whose task runs, as the shared poll
   * saw them; a task submitted after that poll counts as pending. Cancelling asks the queue anew.
   */
  pending: string[];
  running: string[];
}

/** A sweep's tasks on a cluster that have not ended, from the login node's runs and the poll cache. */
export async function slurmSweepPresence(s: SweepSession, host: string, name: string): Promise<SlurmSweepPresence> {
  try {
    const exec = await hostExec(s, host);
    const backend = await backendOf(s, host);
    const project = s.config.sweeps[name]?.project;
    const dir = project ? resolveProject(s.config, project, host).remoteDir : '~';
    const snap = await backend.inspect(exec, host, dir);
    // "gone": no exit marker and not in the (possibly older) poll: maybe submitted since
    const live = snap.runs.filter((r) => (r.state === 'running' || r.state === 'gone') && r.manifest.sweep === name);
    const started = (r: (typeof live)[number]) => r.state === 'running' && r.slurm?.state !== 'PENDING';
    return {
      host,
      error: null,
      pending: live.filter((r) => !started(r)).map((r) => r.id),
      running: live.filter(started).map((r) => r.id),
    };
  } catch (error) {
    return { host, error: safeLine((error as Error).message), pending: [], running: [] };
  }
}

/**
 * Cancels a sweep's pending tasks on a cluster (and its running ones with kill), as the queue
 * holds them now: the runs whose pending task was cancelled, whose running task was cancelled,
 * and whose running task was left running.
 */
export async function cancelSlurmSweep(
  s: SweepSession,
  p: SlurmSweepPresence,
  kill: boolean,
): Promise<{ dropped: string[]; killed: string[]; left: string[]; error: string | null }> {
  const ids = [...p.pending, ...p.running];
  const none = { dropped: [], killed: [], left: [], error: null };
  if (!ids.length) return none;
  const exec = await hostExec(s, p.host);
  const r = await exec(slurmCancelTasksCommand(p.host, ids, kill), { timeoutMs: 60_000 });
  if (r.dry) return { ...none, dropped: p.pending, killed: kill ? p.running : [], left: kill ? [] : p.running };
  if (r.code !== 0) return { ...none, error: safeLine(r.stderr.trim() || `exit ${r.code}`) };
  const out = parseSections(r.stdout);
  const cancelled = out.all('cancelled').map((c) => c.value.split(' '));
  return {
    dropped: cancelled.filter(([, state]) => state === 'PENDING').map(([id]) => id),
    killed: cancelled.filter(([, state]) => state !== 'PENDING').map(([id]) => id),
    left: out.all('left').map((c) => c.value),
    error: null,
  };
}
