/**
 * Clear: removes the ended runs' sessions from a host's list, after asking with the list. Only
 * runs trainyard started (with a manifest) and only those whose command has exited; each one's
 * log, manifest and exit code stay, and its state (finished, crashed, stopped) is not changed.
 */
import { endedStatus } from '../format/sessions.js';
import { backendExec } from './execute.js';
import { probeHost, type RunOnHost } from './hostState.js';
import { ActionCancelled, type ActionContext, ActionFailure, type Verdict, verdict } from './types.js';

/** How an ended run reads in the question: "finished", "crashed exit 3", "stopped". */
const endedAs = (run: RunOnHost) => endedStatus(run.exitCode, null, run.state === 'stopped').text;

export async function runClear(ctx: ActionContext): Promise<Verdict> {
  const host = ctx.host;
  if (!ctx.backend.removeEnded) return verdict.ok(`${ctx.backend.kind} keeps nothing of ended runs to clear`);
  ctx.output(`› looking at ${host}`, 'step');
  const snap = await probeHost(ctx, host, ctx.project?.remoteDir ?? '~');
  const listed = new Set(snap.takenNames);
  const ended = snap.runs
    .filter((r) => r.state !== 'running' && listed.has(r.id))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  if (ended.length === 0) return verdict.ok(`no ended runs to clear on ${host}`);
  const ids = ended.map((r) => r.id);
  if (!ctx.dryRun) {
    const yes = await ctx.confirm({
      title: 'Clear the ended runs?',
      message: `Remove the ${ended.length} ended session(s) on ${host} from the list? Their logs, manifests and exit codes stay (trainyard runs still lists them); nothing running is touched.`,
      details: ended.map((r) => `${r.id}  ${endedAs(r)}`),
      destructive: true,
    });
    if (!yes) throw new ActionCancelled('the ended sessions are kept', true);
  }
  ctx.output(`› removing ${ids.length} ended session(s) on ${host}`, 'step');
  const r = await ctx.backend.removeEnded(backendExec(ctx), host, ids, false);
  if (r.kind === 'dry') return verdict.ok(`dry run: the command above would remove ${ids.join(', ')}`);
  if (r.kind === 'failed')
    throw new ActionFailure(`clearing the ended sessions failed (exit ${r.code}): ${r.output}`, 'trainyard doctor');
  return verdict.ok(`cleared ${r.removed.length} ended session(s) on ${host}`, [
    ...(r.removed.length ? [`removed: ${r.removed.join(', ')}`] : []),
    ...(r.alive.length ? [`left alone, running again: ${r.alive.join(', ')}`] : []),
    ...(r.missing.length ? [`already gone: ${r.missing.join(', ')}`] : []),
  ]);
}
