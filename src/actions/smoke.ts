/**
 * Smoke test: the project's smoke command in the foreground over the held connection, in the
 * remote directory with the environment activated, output streamed into the pane, a time
 * limit, cancellable (the remote process group dies with the channel), and a verdict.
 */
import { hostConfig } from '../backends/select.js';
import { slurmSmokeCommand } from '../backends/slurm/interactiveCommands.js';
import { DEFAULT_SMOKE_TIME } from '../backends/slurm/slurmBackend.js';
import { smokeCommand, writeSecretsCommand } from '../commands/projectCommands.js';
import { smokeScript } from '../commands/runScript.js';
import { ConfigError } from '../config/load.js';
import { projectFileSlug, secretsFile } from '../runs/layout.js';
import { expandCommandPlaceholders, missingParams } from '../runs/params.js';
import { collectSecrets, secretsFileText } from '../secrets/secrets.js';
import { defaultSessionName, requireProject } from './common.js';
import { runCommand, streamCommand } from './execute.js';
import { chooseGpus, slurmGpuRequest } from './gpuChoice.js';
import { probeHost } from './hostState.js';
import { smokeVerdict, TrainLogReader } from './parsers/trainLog.js';
import { type ActionContext, ActionFailure, type Verdict } from './types.js';

/** Writes the project's secrets file on the host when it has secrets; returns its path or null. */
export async function ensureSecrets(ctx: ActionContext, home: string): Promise<string | null> {
  const p = requireProject(ctx);
  const secrets = collectSecrets({
    name: p.name,
    project: { env: ctx.config.projects[p.name]?.env, secretNames: p.secretNames, envFile: p.envFile },
    env: ctx.env,
  });
  const names = Object.keys(secrets);
  if (names.length === 0) return null;
  ctx.addSecrets(Object.values(secrets));
  const file = secretsFile(home, p.name);
  ctx.output(`› writing ${names.length} secret(s) (${names.join(', ')}) to ${file} (0600)`, 'step');
  const r = await runCommand(ctx, writeSecretsCommand(ctx.host, file, secretsFileText(secrets), names));
  if (r.code !== 0)
    throw new ActionFailure(
      `cannot write the secrets file on ${ctx.host}: ${r.stderr.trim()}`,
      'check free space and permissions in ~/.trainyard on the host',
    );
  return file;
}

export async function runSmoke(ctx: ActionContext): Promise<Verdict> {
  const p = requireProject(ctx);
  if (!p.smoke) {
    throw new ConfigError(ctx.config.file, [
      `projects.${p.name}.smoke is not set — fix: add e.g. "smoke": "python train.py --epochs 1 --subset 100"`,
    ]);
  }
  ctx.output(`› looking at ${ctx.host}`, 'step');
  const snap = await probeHost(ctx, ctx.host, p.remoteDir);
  if (!snap.remoteDirExists)
    throw new ActionFailure(
      `${snap.remoteDir} does not exist on ${ctx.host}`,
      `sync the code first: trainyard sync ${p.name} --host ${ctx.host}`,
    );
  const params = { ...p.params, ...(ctx.params.runParams ?? {}) };
  const missing = missingParams(p.smoke, params);
  if (missing.length)
    throw new ConfigError(
      ctx.config.file,
      missing.map(
        (n) =>
          `projects.${p.name}.smoke uses {${n}}, which has no value — fix: add a default in projects.${p.name}.params`,
      ),
    );
  const secretsPath = await ensureSecrets(ctx, snap.home);
  const slurm = ctx.backend.kind === 'slurm';
  const gpus = slurm
    ? slurmGpuRequest(ctx.params.gpus ?? 'least-used')
    : ctx.params.gpus
      ? await chooseGpus(ctx, ctx.host, ctx.params.gpus, ctx.gpuSamples())
      : null;
  const script = smokeScript(
    {
      remoteDir: snap.remoteDir,
      env: p.env,
      secretsFile: secretsPath,
      activation: p.activation,
      gpus: gpus?.visible ?? null,
    },
    expandCommandPlaceholders(p.smoke).text,
    { slug: projectFileSlug(p.name), params },
  );
  const limitSeconds = p.smokeTimeoutSeconds;
  ctx.output(`› ${p.smoke}   (in ${snap.remoteDir}, limit ${limitSeconds} s${gpus ? `, ${gpus.why}` : ''})`, 'step');
  ctx.progress({ fraction: null, label: `smoke test (limit ${limitSeconds} s)` });

  const reader = new TrainLogReader(p.metrics);
  const started = Date.now();
  let timedOut = false;
  let cancelled = false;
  const handle = streamCommand(
    ctx,
    slurm
      ? slurmSmokeCommand(ctx.host, script, {
          ...hostConfig(ctx.config, ctx.host),
          jobName: `${defaultSessionName(p.name)}-smoke`,
          gpus: gpus && 'count' in gpus ? Number(gpus.count) : 1,
          time: ctx.config.projects[p.name]?.slurm?.smokeTime ?? DEFAULT_SMOKE_TIME,
        })
      : smokeCommand(ctx.host, script),
    (line, kind) => {
      ctx.output(line, kind);
      reader.push(line);
    },
    (text) => ctx.progress({ fraction: tqdmFraction(text), label: text.trim().slice(0, 120) }),
  );
  const timer = setTimeout(() => {
    timedOut = true;
    handle.cancel();
  }, limitSeconds * 1000);
  const onAbort = () => {
    cancelled = true;
    handle.cancel();
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const result = await handle.done;
  clearTimeout(timer);
  ctx.signal.removeEventListener('abort', onAbort);
  ctx.progress(null);
  if (ctx.dryRun)
    return { outcome: 'ok', summary: 'dry run: the command above would run the smoke test', details: [], hint: null };
  const seconds = (Date.now() - started) / 1000;
  const v = smokeVerdict(reader.result(), {
    code: result.code,
    signal: result.signal ?? null,
    timedOut,
    cancelled,
    seconds,
    limitSeconds,
  });
  if (v.cause === 'cancelled')
    return { outcome: 'cancelled', summary: v.summary, details: v.details, hint: null, cause: v.cause };
  return {
    outcome: v.ok ? 'ok' : 'failed',
    summary: `smoke test ${v.ok ? '' : 'FAILED: '}${v.summary}`,
    details: v.details,
    hint: v.hint,
    cause: v.cause,
    data: { code: result.code, seconds, loss: v.loss },
  };
}

/** The fraction a tqdm-style bar shows (" 42%|####"), or null. */
export function tqdmFraction(text: string): number | null {
  const m = /(\d{1,3})%\|/.exec(text);
  return m ? Math.min(1, Number(m[1]) / 100) : null;
}
