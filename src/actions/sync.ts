/**
 * Sync: code up to the server with rsync over ssh (the app's ssh_config), .gitignore honoured,
 * outputs/checkpoints/weights/caches excluded. Nothing is deleted on the server before the
 * user has seen the list, and then exactly that list: a file that appears after the question
 * stays and is shown on the next sync. While a run of the project is alive, the sync asks first
 * (the code changes under the run), and its outputs, checkpoints and log are protected from
 * --delete whatever the excludes say.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mkdirCommand } from '../commands/projectCommands.js';
import {
  approvedDeletionRules,
  deleteApprovedArgv,
  RSYNC_MAX_DELETE_EXIT,
  type SyncArgs,
  skippedDeletions,
  syncArgv,
} from '../commands/rsync.js';
import type { LocalCommand } from '../commands/value.js';
import { ConfigError, LOCAL_HOST } from '../config/load.js';
import { requireProject } from './common.js';
import { runCommand, runLocal } from './execute.js';
import { type HostSnapshot, liveRunsOf, probeHost } from './hostState.js';
import {
  describeRsyncExit,
  formatBytes,
  parseItemizeLine,
  parseProgressLine,
  parseStats,
  rsyncNameBytes,
} from './parsers/rsync.js';
import type { ResolvedProject } from './project.js';
import { controlPathFor, prepareSharedConnection } from './sshMux.js';
import { askAboutLiveRuns, type Protection, protectionFor } from './syncLiveRuns.js';
import { ActionCancelled, type ActionContext, ActionFailure, type Verdict, verdict } from './types.js';

export async function runSync(ctx: ActionContext): Promise<Verdict> {
  const p = requireProject(ctx);
  const host = ctx.host;
  if (!existsSync(p.localDir)) {
    throw new ConfigError(ctx.config.file, [
      `projects.${p.name}.local is ${p.localDir}, which does not exist here — fix: point "local" at the project's directory on this machine`,
    ]);
  }
  ctx.output(`› looking at ${host}`, 'step');
  // rsync's ssh connection gets ready while the host is probed over the held one
  const controlPath = host === LOCAL_HOST ? null : controlPathFor(ctx.env);
  const shared =
    controlPath && !ctx.dryRun
      ? prepareSharedConnection(ctx.config.sshConfig, controlPath, host)
      : Promise.resolve(null);
  const [snap, sharedState]: [HostSnapshot, Awaited<typeof shared>] = await Promise.all([
    probeHost(ctx, host, p.remoteDir),
    shared,
  ]);
  if (sharedState === 'replaced') ctx.output('(the shared ssh connection for rsync had gone stale: replaced)', 'step');
  const live = liveRunsOf(snap, p.name).filter((r) => r.manifest.remoteDir === snap.remoteDir);
  await askAboutLiveRuns(ctx, p, snap.remoteDir, live);
  const protection = protectionFor(snap.remoteDir, live, { results: p.results, checkpoints: p.checkpoints });
  for (const d of protection.described) ctx.output(`protected from --delete: ${d}`, 'warn');
  if (!snap.remoteDirExists) {
    ctx.output(`› creating ${snap.remoteDir} on ${host} (first sync)`, 'step');
    const r = await runCommand(ctx, mkdirCommand(host, snap.remoteDir));
    if (r.code !== 0)
      throw new ActionFailure(
        `cannot create ${snap.remoteDir} on ${host}: ${r.stderr.trim()}`,
        'check the "remote" path and its permissions on the host',
      );
  }
  const args: SyncArgs = {
    host: host === LOCAL_HOST ? null : host,
    sshConfig: ctx.config.sshConfig,
    localDir: p.localDir,
    remoteDir: snap.remoteDir,
    excludes: p.syncExcludes,
    protect: protection.patterns,
    controlPath,
  };
  return transferAndDelete(ctx, p, snap, args, protection);
}

async function transferAndDelete(
  ctx: ActionContext,
  p: ResolvedProject,
  snap: HostSnapshot,
  args: SyncArgs,
  protection: Protection,
): Promise<Verdict> {
  const host = ctx.host;
  const transfer: LocalCommand = {
    where: 'local',
    argv: syncArgv(args, 'transfer'),
    purpose: `send code ${p.localDir} → ${host}:${snap.remoteDir} (never deletes)`,
  };
  const listing: LocalCommand = {
    where: 'local',
    argv: syncArgv(args, 'list-deletions'),
    purpose: 'list what --delete would remove on the server',
    readOnly: true,
  };

  const started = Date.now();
  const statsLines: string[] = [];
  const errors: string[] = [];
  ctx.output(`› sending ${p.localDir}/ → ${host}:${snap.remoteDir}/`, 'step');
  ctx.progress({ fraction: 0, label: 'sending code' });
  let pending = 0;
  const sent = await runLocal(ctx, transfer, {
    splitCr: true,
    onLine: (line, stream) => {
      const prog = parseProgressLine(line);
      const skipped = skippedDeletions(line);
      if (prog)
        ctx.progress({
          fraction: prog.fraction,
          label: 'sending code',
          bytes: prog.bytes,
          rate: prog.rate,
          eta: prog.eta,
        });
      else if (skipped !== null) pending = skipped;
      else if (stream === 'err' && line.trim()) errors.push(line);
      else if (line.trim()) statsLines.push(line);
    },
  });
  ctx.progress(null);
  if (sent.cancelled || ctx.signal.aborted) throw new ActionCancelled('cancelled', false);
  const counted = sent.code === RSYNC_MAX_DELETE_EXIT && pending > 0;
  // what the counting says about directories it could not empty is noise here
  for (const e of errors
    .filter((l) => !(counted && /cannot delete non-empty directory|max-delete limit stopped deletions/.test(l)))
    .slice(0, 20))
    ctx.output(e, 'err');
  errors.length = 0;
  if (sent.code !== 0 && !counted && !sent.dry) {
    throw new ActionFailure(
      `sync to ${host} failed: rsync ${describeRsyncExit(sent.code)}`,
      sent.code === 255
        ? `test the connection: ssh -F ${ctx.config.sshConfig} ${host} true`
        : 'read the rsync messages above',
    );
  }
  // Only when the transfer counted something to delete (or in a dry run) are the names listed, over the same ssh connection.
  const deletions: string[] = [];
  const listed =
    snap.remoteDirExists && (pending > 0 || ctx.dryRun)
      ? await runLocal(ctx, listing, {
          onLine: (line, stream) => {
            const item = parseItemizeLine(line);
            if (item?.kind === 'deleted') deletions.push(item.path);
            else if (stream === 'err' && line.trim()) errors.push(line);
          },
        })
      : null;
  if (listed?.cancelled || ctx.signal.aborted) throw new ActionCancelled('cancelled', false);
  if (listed && listed.code !== 0) {
    for (const e of errors.slice(0, 5)) ctx.output(e, 'err');
    ctx.output(
      `could not list what --delete would remove (rsync ${describeRsyncExit(listed.code)}); nothing was deleted`,
      'warn',
    );
  }

  const seconds = (Date.now() - started) / 1000; // the transfer, not the time the question waited
  let deleted = 0;
  let keptAfterYes: string[] = [];
  if (deletions.length > 0) {
    const sorted = [...deletions].sort();
    if (ctx.dryRun) {
      ctx.output(`--delete would remove ${sorted.length} path(s) on ${host}:`, 'warn');
      for (const d of sorted.slice(0, 200)) ctx.output(`  ${d}`, 'warn');
      await removeApproved(ctx, args, sorted);
    } else {
      const yes = await ctx.confirm({
        title: 'Delete on the server?',
        message: `--delete would remove ${sorted.length} path(s) in ${host}:${snap.remoteDir} that are not in ${p.localDir}. Delete them?`,
        details: sorted,
        destructive: true,
      });
      if (yes) {
        ctx.output(`› removing the ${sorted.length} path(s) you approved on ${host}`, 'step');
        const { removed, kept } = await removeApproved(ctx, args, sorted);
        deleted = removed.length;
        keptAfterYes = kept;
        if (kept.length) {
          ctx.output(
            `${kept.length} approved path(s) were not removed: they changed after you said yes (or a directory holds new files); the next sync shows them again`,
            'warn',
          );
          for (const k of kept.slice(0, 20)) ctx.output(`  ${k}`, 'warn');
        }
      } else {
        ctx.output(`kept ${sorted.length} path(s) on the server that are not here`, 'warn');
      }
    }
  }
  const stats = parseStats(statsLines.join('\n'));
  const bytes = (stats.bytesSent ?? 0) + (stats.bytesReceived ?? 0);
  if (ctx.dryRun)
    return verdict.ok(
      'dry run: the commands above would sync',
      protection.described.map((d) => `protected: ${d}`),
      { deletions },
    );
  const details = [
    `${stats.transferredFiles ?? 0} changed file(s) sent (${formatBytes(stats.transferredSize ?? 0)}; ${formatBytes(bytes)} on the wire), ${stats.files ?? '?'} files and directories in the tree`,
    ...(deletions.length
      ? [
          deleted || keptAfterYes.length
            ? `${deleted} path(s) deleted on the server${keptAfterYes.length ? `; ${keptAfterYes.length} approved path(s) kept (changed after the question)` : ''}`
            : `${deletions.length} path(s) not in ${p.localDir} were kept on the server`,
        ]
      : []),
    ...protection.described.map((d) => `protected: ${d}`),
  ];
  return verdict.ok(
    `synced ${p.name} to ${host}:${snap.remoteDir} — ${formatBytes(bytes)} in ${seconds.toFixed(1)} s`,
    details,
    {
      bytes,
      seconds,
      deletions,
      deleted,
      keptAfterYes,
      protected: protection.patterns,
      remoteDir: snap.remoteDir,
    },
  );
}

/**
 * Removes on the server exactly the approved paths (as rsync printed them in the listing): the
 * delete pass gets a rules file that lets only those go. Returns what rsync removed and what of
 * the approved list it left (re-created here, or a directory that now holds new files).
 */
async function removeApproved(
  ctx: ActionContext,
  args: SyncArgs,
  approved: readonly string[],
): Promise<{ removed: string[]; kept: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'trainyard-delete-'));
  const rulesFile = path.join(dir, 'approved.rules');
  try {
    writeFileSync(rulesFile, approvedDeletionRules(approved.map(rsyncNameBytes)), { mode: 0o600 });
    const removal: LocalCommand = {
      where: 'local',
      argv: deleteApprovedArgv(args, rulesFile),
      purpose: `remove on the server exactly the ${approved.length} path(s) you approved (rules file: "R /PATH" for each, then "P *")`,
    };
    const removed: string[] = [];
    const errors: string[] = [];
    const r = await runLocal(ctx, removal, {
      onLine: (line, stream) => {
        const item = parseItemizeLine(line);
        if (item?.kind === 'deleted') removed.push(item.path);
        else if (stream === 'err' && line.trim() && !/cannot delete non-empty directory/.test(line)) errors.push(line);
      },
    });
    if (r.dry) return { removed: [], kept: [] };
    if (r.cancelled || ctx.signal.aborted) throw new ActionCancelled('cancelled', false);
    for (const e of errors.slice(0, 20)) ctx.output(e, 'err');
    if (r.code !== 0)
      throw new ActionFailure(
        `code was sent, but removing old files on ${ctx.host} failed: rsync ${describeRsyncExit(r.code)}`,
        'read the rsync messages above',
      );
    const wanted = new Set(approved);
    const stray = removed.filter((p) => !wanted.has(p));
    if (stray.length)
      ctx.output(
        `rsync removed ${stray.length} path(s) that were not in the approved list: ${stray.slice(0, 5).join(', ')}`,
        'err',
      );
    const gone = new Set(removed);
    return { removed, kept: approved.filter((p) => !gone.has(p)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
