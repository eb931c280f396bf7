/**
 * Pull results: rsync server → here of the results directory, checkpoints and weights
 * excluded, never deleting a local file nor overwriting a newer one; a summary of what arrived.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pullArgv } from '../commands/rsync.js';
import type { LocalCommand } from '../commands/value.js';
import { LOCAL_HOST } from '../config/load.js';
import { requireProject } from './common.js';
import { runLocal } from './execute.js';
import { type HostSnapshot, probeHost } from './hostState.js';
import { describeRsyncExit, formatBytes, parseItemizeLine, parseProgressLine, parseStats } from './parsers/rsync.js';
import type { ResolvedProject } from './project.js';
import { controlPathFor, prepareSharedConnection } from './sshMux.js';
import { ActionCancelled, type ActionContext, ActionFailure, type Verdict, verdict } from './types.js';

/**
 * What is pulled: the whole results directory (every run's directory), or with params.run one
 * run's: its manifest's runDir (a restarted run shares its first run's), into the same place
 * under the local results directory.
 */
function pullPaths(ctx: ActionContext, p: ResolvedProject, snap: HostSnapshot): { remote: string; local: string } {
  const all = { remote: `${snap.remoteDir}/${p.results}`, local: path.join(p.localDir, p.results) };
  const id = ctx.params.run;
  if (id === undefined) return all;
  const problem = ctx.backend.nameProblem(id);
  if (problem) throw new ActionFailure(`--run ${JSON.stringify(id)}: ${problem}`, 'give the run id (its session name)');
  const run = snap.runs.find((r) => r.id === id && r.project === p.name);
  if (!run)
    throw new ActionFailure(
      `no run ${id} of ${p.name} on ${ctx.host}`,
      `list the runs: trainyard status; or pull every run: trainyard pull ${p.name} --host ${ctx.host}`,
    );
  const prefix = `${snap.remoteDir}/${p.results}/`;
  if (!run.runDir.startsWith(prefix) || run.runDir.slice(prefix.length).includes('/'))
    throw new ActionFailure(
      `run ${id} has no directory of its own in ${prefix} (it ran before runs had one, in ${run.runDir})`,
      `pull every run: trainyard pull ${p.name} --host ${ctx.host}`,
    );
  const dir = run.runDir.slice(prefix.length);
  return { remote: run.runDir, local: path.join(all.local, dir) };
}

export async function runPull(ctx: ActionContext): Promise<Verdict> {
  const p = requireProject(ctx);
  ctx.output(`› looking at ${ctx.host}`, 'step');
  const controlPath = ctx.host === LOCAL_HOST ? null : controlPathFor(ctx.env);
  const shared =
    controlPath && !ctx.dryRun
      ? prepareSharedConnection(ctx.config.sshConfig, controlPath, ctx.host)
      : Promise.resolve(null);
  const [snap] = await Promise.all([probeHost(ctx, ctx.host, p.remoteDir), shared]);
  if (!snap.remoteDirExists)
    throw new ActionFailure(
      `${snap.remoteDir} does not exist on ${ctx.host}`,
      `nothing to pull; sync and launch first`,
    );
  const { remote, local } = pullPaths(ctx, p, snap);
  const command: LocalCommand = {
    where: 'local',
    argv: pullArgv({
      host: ctx.host === LOCAL_HOST ? null : ctx.host,
      sshConfig: ctx.config.sshConfig,
      remoteDir: remote,
      localDir: local,
      excludes: p.pullExcludes,
      controlPath,
    }),
    purpose: `fetch results ${ctx.host}:${remote} → ${local} (no checkpoints or weights, never deletes here)`,
  };
  if (!ctx.dryRun) await mkdir(local, { recursive: true });
  const started = Date.now();
  const arrived: { path: string; kind: string }[] = [];
  const statsLines: string[] = [];
  const errors: string[] = [];
  ctx.output(`› fetching ${ctx.host}:${remote}/ → ${local}/`, 'step');
  ctx.progress({ fraction: 0, label: 'fetching results' });
  const r = await runLocal(ctx, command, {
    splitCr: true,
    onLine: (line, stream) => {
      const prog = parseProgressLine(line);
      if (prog)
        return ctx.progress({
          fraction: prog.fraction,
          label: 'fetching results',
          bytes: prog.bytes,
          rate: prog.rate,
          eta: prog.eta,
        });
      const item = parseItemizeLine(line);
      if (item && !item.isDir && (item.kind === 'created' || item.kind === 'updated'))
        arrived.push({ path: item.path, kind: item.kind });
      else if (stream === 'err' && line.trim()) errors.push(line);
      else if (!item && line.trim()) statsLines.push(line);
    },
  });
  ctx.progress(null);
  if (r.cancelled || ctx.signal.aborted) throw new ActionCancelled('cancelled', false);
  if (r.dry) return verdict.ok('dry run: the command above would fetch the results', []);
  for (const e of errors.slice(0, 20)) ctx.output(e, 'err');
  if (r.code !== 0) {
    const missing = errors.some((e) => /No such file or directory/.test(e) && e.includes(p.results));
    if (missing)
      throw new ActionFailure(
        `there is no ${p.results}/ in ${snap.remoteDir} on ${ctx.host} yet`,
        'nothing has written results yet (or "results" names another directory)',
      );
    throw new ActionFailure(
      `pull from ${ctx.host} failed: rsync ${describeRsyncExit(r.code)}`,
      'read the rsync messages above',
    );
  }
  const seconds = (Date.now() - started) / 1000;
  const stats = parseStats(statsLines.join('\n'));
  const created = arrived.filter((a) => a.kind === 'created');
  const updated = arrived.filter((a) => a.kind === 'updated');
  for (const a of arrived.slice(0, 50)) ctx.output(`${a.kind === 'created' ? '+' : '~'} ${a.path}`, 'out');
  if (arrived.length > 50) ctx.output(`… and ${arrived.length - 50} more`, 'out');
  const summary =
    arrived.length === 0
      ? `results of ${p.name} are up to date in ${local} (${seconds.toFixed(1)} s)`
      : `pulled ${created.length} new and ${updated.length} updated file(s), ${formatBytes(stats.transferredSize ?? 0)}, into ${local} in ${seconds.toFixed(1)} s`;
  return verdict.ok(summary, [`not fetched: ${p.pullExcludes.join(' ')}`], {
    files: arrived.map((a) => a.path),
    bytes: stats.transferredSize ?? 0,
    seconds,
  });
}
