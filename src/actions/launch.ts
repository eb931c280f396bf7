/**
 * Launch: the training command in a new tmux session (remain-on-exit, output appended to a log
 * on the server, environment activated), on the GPUs chosen, with a run manifest on the server
 * and here. Launching a config whose hash already runs or ran asks first.
 */
import type { LaunchRequest, LaunchResult } from '../backends/runBackend.js';
import { logEndCommand } from '../commands/projectCommands.js';
import { ConfigError } from '../config/load.js';
import type { Config } from '../config/types.js';
import { type RunManifest, secretsFile } from '../runs/layout.js';
import { expandCommandPlaceholders, missingParams, paramsJson } from '../runs/params.js';
import { buildResumeCommand } from '../runs/restart.js';
import { collectSecrets, secretsFileText } from '../secrets/secrets.js';
import { requireProject, sleep } from './common.js';
import { configHash } from './configHash.js';
import { backendExec, runCommand } from './execute.js';
import { type GitInfo, readGitInfo } from './gitInfo.js';
import { chooseGpus, slurmGpuRequest } from './gpuChoice.js';
import { type HostSnapshot, probeHost } from './hostState.js';
import { chooseSessionAndGpus } from './launchQuestions.js';
import { readLocalManifests, writeLocalManifest } from './localManifests.js';
import { absoluteOnServer, logPathFor, type ResolvedProject } from './project.js';
import { ActionCancelled, type ActionContext, ActionFailure, type Verdict, verdict } from './types.js';

const WRITER = 'trainyard 0.1';

export interface LaunchPlan {
  /** null: a fresh start. */
  parent: string | null;
  resumedFrom: string | null;
  /** The resume template that takes resumedFrom (null when it is null). */
  resume: string | null;
  /** The lineage a restart continues: its run directory and parameters; null for a new run. */
  lineage: { runDir: string; params: Record<string, string> } | null;
  restartCount: number;
  /** Ask before launching a config that already ran (a restart resumes its own config: no). */
  checkDuplicates: boolean;
}

/** The parameters of a new run: the project's defaults, then --param; placeholders without a value are a config error. */
function runParams(ctx: ActionContext, p: ResolvedProject, plan: LaunchPlan): Record<string, string> {
  const params = plan.lineage?.params ?? { ...p.params, ...(ctx.params.runParams ?? {}) };
  const fields: [string, string][] = [
    ['train', p.train],
    ['resume', plan.resume ?? ''],
  ];
  const problems = fields.flatMap(([field, text]) =>
    missingParams(text, params).map(
      (n) =>
        `projects.${p.name}.${field} uses {${n}}, which has no value — fix: give it with --param ${n}=VALUE, or a default in projects.${p.name}.params`,
    ),
  );
  if (problems.length) throw new ConfigError(ctx.config.file, problems);
  return params;
}

/** The config hash of a run of p with these parameters (what a launch writes in its manifest). */
function runConfigHash(
  p: ResolvedProject,
  secretNames: string[],
  params: Record<string, string>,
  git: GitInfo,
): string {
  return configHash({
    project: p.name,
    command: p.train,
    env: p.env,
    secretNames,
    activation: p.activation,
    params,
    git,
  });
}

/**
 * The config hashes new runs of p would get, one per set of --param values (over the project's
 * defaults), with the code and secrets as they are now: a sweep's dedupe compares them with the runs'.
 */
export async function runConfigHashes(
  config: Config,
  p: ResolvedProject,
  env: NodeJS.ProcessEnv,
  runParams: readonly Record<string, string>[],
): Promise<string[]> {
  const git = await readGitInfo(p.localDir);
  const secrets = collectSecrets({
    name: p.name,
    project: { env: config.projects[p.name]?.env, secretNames: p.secretNames, envFile: p.envFile },
    env,
  });
  return runParams.map((rp) => runConfigHash(p, Object.keys(secrets), { ...p.params, ...rp }, git));
}

/** Launches project p's train command on the host probed in snap. Shared by launch and restart. */
export async function launchRun(
  ctx: ActionContext,
  p: ResolvedProject,
  snap: HostSnapshot,
  plan: LaunchPlan,
): Promise<Verdict> {
  const params = runParams(ctx, p, plan);
  const train = expandCommandPlaceholders(p.train).text;
  const command = buildResumeCommand(train, plan.resume, plan.resumedFrom);
  const host = ctx.host;
  if (snap.backendError)
    throw new ActionFailure(`${host}: ${snap.backendError}`, 'install tmux on the host (apt-get install tmux)');
  if (!snap.remoteDirExists)
    throw new ActionFailure(
      `${snap.remoteDir} does not exist on ${host}`,
      `sync the code first: trainyard sync ${p.name} --host ${host}`,
    );
  const { session, gpuChoice } = await chooseSessionAndGpus(ctx, p, snap, plan.parent);
  const slurm = ctx.backend.kind === 'slurm';
  const [gpus, git] = await Promise.all([
    slurm ? slurmGpuRequest(gpuChoice) : chooseGpus(ctx, host, gpuChoice, ctx.gpuSamples()),
    readGitInfo(p.localDir),
  ]);
  const secrets = collectSecrets({
    name: p.name,
    project: { env: ctx.config.projects[p.name]?.env, secretNames: p.secretNames, envFile: p.envFile },
    env: ctx.env,
  });
  const secretNames = Object.keys(secrets);
  ctx.addSecrets(Object.values(secrets));
  const hash = runConfigHash(p, secretNames, params, git);

  if (plan.checkDuplicates) {
    const here = snap.runs.filter((r) => r.manifest.configHash === hash);
    const elsewhere = (await readLocalManifests(ctx.dataDir)).filter((m) => m.configHash === hash && m.host !== host);
    const seen = [
      ...here.map(
        (r) =>
          `${r.manifest.session} on ${host}: ${r.state === 'running' ? 'RUNNING now' : r.state === 'exited' ? `ran, exit ${r.exitCode}` : r.state}, started ${r.manifest.startedAt}`,
      ),
      ...elsewhere.map((m) => `${m.session} on ${m.host}: launched ${m.startedAt}`),
    ];
    if (seen.length > 0) {
      const yes = await ctx.confirm({
        title: 'Same config again?',
        message: `This config (hash ${hash}: same command, environment and code) already ${here.some((r) => r.state === 'running') ? 'runs' : 'ran'}. Launch it again?`,
        details: seen,
        destructive: false,
      });
      if (!yes) throw new ActionCancelled(`config ${hash} already ran; not launched again`, true);
    }
  }

  const log = absoluteOnServer(logPathFor(p.logTemplate, p.name, session), snap.remoteDir, snap.home);
  const files = ctx.backend.files(snap.home, session);
  const runDir = plan.lineage?.runDir ?? `${snap.remoteDir}/${p.results}/${session}`;
  const secretsFilePath = secretNames.length ? secretsFile(snap.home, p.name) : null;
  const manifest: RunManifest = {
    session,
    project: p.name,
    host,
    remoteDir: snap.remoteDir,
    log,
    command: train,
    resume: p.resume,
    checkpoints: p.checkpoints,
    gpus: gpus.visible,
    startedAt: ctx.now().toISOString(),
    parent: plan.parent,
    resumedFrom: plan.resumedFrom,
    configHash: hash,
    git,
    autoRestart: p.autoRestart,
    restartCount: plan.restartCount,
    ...(plan.parent ? { restartedBy: 'user' as const } : {}),
    ...(ctx.params.by ? { by: ctx.params.by } : {}),
    effectiveCommand: command,
    results: p.results,
    script: files.script,
    secretsFile: secretsFilePath,
    localDir: p.localDir,
    writer: WRITER,
    runDir,
    params,
    sweep: ctx.params.sweep ?? null,
  };
  ctx.output(`› starting ${ctx.backend.kind} session ${session} on ${host}: ${command}`, 'step');
  ctx.output(`  ${gpus.why}; log ${log}; run directory ${runDir}`, 'step');
  const exec = backendExec(ctx);
  const request: LaunchRequest = {
    host,
    id: session,
    project: p.name,
    home: snap.home,
    remoteDir: snap.remoteDir,
    log,
    command,
    runDir,
    params,
    env: p.env,
    activation: p.activation,
    gpus: gpus.visible,
    secrets: secretsFilePath ? { file: secretsFilePath, text: secretsFileText(secrets), names: secretNames } : null,
    manifest,
    ...(slurm ? { gpuCount: 'count' in gpus ? gpus.count : 1, slurm: ctx.config.projects[p.name]?.slurm } : {}),
  };
  let started: LaunchResult;
  try {
    started = await ctx.backend.launch(exec, request);
  } catch (error) {
    // The exit status got lost on a live connection: whether the run exists tells whether the launch happened.
    if (!(error instanceof ActionFailure && error.cause_ === 'lost-exit-status')) throw error;
    if ((await ctx.backend.liveState(exec, host, session)).kind === 'absent') throw error;
    started = { kind: 'started' };
  }
  if (started.kind === 'started' && started.jobId) ctx.output(`  Slurm job ${started.jobId}`, 'step');
  if (started.kind === 'dry')
    return verdict.ok(`dry run: the commands above would launch ${session}`, [], { session, manifest });
  if (started.kind === 'name-taken')
    throw new ActionFailure(
      `a ${ctx.backend.kind} session named ${session} already exists on ${host}`,
      'pick another name',
    );
  if (started.kind === 'missing')
    throw new ActionFailure(
      `${started.what} is not installed on ${host}`,
      `install it there (apt-get install ${started.what})`,
    );
  if (started.kind === 'failed')
    throw new ActionFailure(
      `launch on ${host} failed (exit ${started.code}): ${started.output}`,
      'check free space and permissions in ~/.trainyard on the host',
    );
  const localFile = await writeLocalManifest(ctx.dataDir, manifest).catch((e: Error) => {
    ctx.output(`could not write the local manifest: ${e.message}`, 'warn');
    return null;
  });

  const verifyMs = ctx.params.verifyMs ?? 1000;
  if (verifyMs > 0) {
    await sleep(verifyMs, ctx.signal);
    const live = await ctx.backend.liveState(exec, host, session);
    if (live.kind === 'ended') {
      const tail = await runCommand(ctx, logEndCommand(host, log, 15), { timeoutMs: 10_000 });
      const lines = tail.stdout.split('\n').filter(Boolean);
      for (const l of lines) ctx.output(l, 'out');
      return verdict.failed(
        `${session} started but ended within ${(verifyMs / 1000).toFixed(1)} s (exit ${live.exitCode ?? '?'})`,
        'read the end of the log above; a smoke test (t) shows such problems faster',
        lines.filter((l) => !l.startsWith('[trainyard]')).slice(-2),
        'ended-at-once',
        { session, manifest },
      );
    }
  }
  return verdict.ok(
    `launched ${session} on ${host} (${gpus.why})`,
    [
      `command: ${command}`,
      ...(Object.keys(params).length ? [`params: ${paramsJson(params)}`] : []),
      `run directory: ${runDir}`,
      `log: ${log}`,
      `manifest: ${files.manifest}${localFile ? ` and ${localFile}` : ''}`,
      `config ${hash}, git ${git.commit ? git.commit.slice(0, 12) : 'none'}${git.dirty ? ` + uncommitted changes (${git.diffHash})` : ''}`,
      `attach: trainyard attach ${host} ${session}`,
    ],
    { session, manifest, localManifest: localFile },
  );
}

export async function runLaunch(ctx: ActionContext): Promise<Verdict> {
  const p = requireProject(ctx);
  ctx.output(`› looking at ${ctx.host}`, 'step');
  const snap = await probeHost(ctx, ctx.host, p.remoteDir);
  return launchRun(ctx, p, snap, {
    parent: null,
    resumedFrom: null,
    resume: null,
    lineage: null,
    restartCount: 0,
    checkDuplicates: true,
  });
}
