/**
 * Stop: asks, then the run backend marks the run stopped, sends Ctrl-C, waits, then ends it. A
 * stopped run stays listed (state "stopped", its log openable) like a crashed or finished one.
 * A run that already ended has nothing to stop: the question says so and offers to remove its
 * leftover session instead (its log and manifest stay).
 */
import { backendExec } from './execute.js';
import { ActionCancelled, type ActionContext, ActionFailure, type Verdict, verdict } from './types.js';

export async function runStop(ctx: ActionContext): Promise<Verdict> {
  const session = ctx.session;
  if (!session) throw new ActionFailure('stop needs a session', 'select a session first');
  const grace = ctx.project?.stopGraceSeconds ?? 10;
  const live = ctx.dryRun ? null : await ctx.backend.liveState(backendExec(ctx), ctx.host, session);
  if (live?.kind === 'ended') return removeEnded(ctx, session, live.exitCode);
  const slurm = ctx.backend.kind === 'slurm';
  const how = slurm
    ? "Slurm cancels its job (scancel: SIGTERM, then SIGKILL after the cluster's KillWait)."
    : `It gets Ctrl-C, then its processes are killed after ${grace} s if it has not exited.`;
  if (!ctx.dryRun) {
    const yes = await ctx.confirm({
      title: 'Stop the run?',
      message: `Stop ${session} on ${ctx.host}? ${how} It will not be restarted automatically; it stays listed as stopped.`,
      details: [],
      destructive: true,
    });
    if (!yes) throw new ActionCancelled(`${session} keeps running`, true);
  }
  ctx.output(`› stopping ${session} on ${ctx.host}`, 'step');
  ctx.progress({ fraction: null, label: `stopping ${session}` });
  const r = await ctx.backend.stop(backendExec(ctx), ctx.host, session, grace);
  ctx.progress(null);
  if (r.kind === 'dry') return verdict.ok(`dry run: the command above would stop ${session}`);
  if (r.kind === 'not-found')
    throw new ActionFailure(
      `there is no ${ctx.backend.kind} session named ${session} on ${ctx.host}`,
      'it may have ended already (the Sessions pane, or trainyard status, lists them)',
    );
  if (r.kind === 'failed')
    throw new ActionFailure(`stopping ${session} failed (exit ${r.code}): ${r.output}`, 'attach to it (a) and look');
  const graceful = r.graceful;
  return verdict.ok(
    slurm
      ? `stopped ${session} on ${ctx.host} (Slurm job cancelled)`
      : graceful
        ? `stopped ${session} on ${ctx.host} (it exited after Ctrl-C)`
        : `killed ${session} on ${ctx.host} (still running ${grace} s after Ctrl-C)`,
    ['marked stopped: it will not be restarted automatically'],
    {
      graceful,
    },
  );
}

async function removeEnded(ctx: ActionContext, session: string, exitCode: number | null): Promise<Verdict> {
  const how = exitCode === null ? 'already ended' : `already ended (exit ${exitCode})`;
  const yes = await ctx.confirm({
    title: 'Remove the ended session?',
    message: `${session} on ${ctx.host} has ${how}: there is nothing to stop. Remove its tmux session? Its log and manifest stay; it will not be restarted automatically.`,
    details: [],
    destructive: true,
  });
  if (!yes) throw new ActionCancelled(`${session} is kept`, true);
  ctx.output(`› removing the ended session ${session} on ${ctx.host}`, 'step');
  if (!ctx.backend.removeEnded)
    return verdict.ok(`${session} on ${ctx.host} has ended; ${ctx.backend.kind} keeps nothing of it to remove`);
  const r = await ctx.backend.removeEnded(backendExec(ctx), ctx.host, [session], true);
  if (r.kind === 'dry') return verdict.ok(`dry run: the command above would remove ${session}`);
  if (r.kind === 'failed')
    throw new ActionFailure(`removing ${session} failed (exit ${r.code}): ${r.output}`, 'attach to it (a) and look');
  if (r.alive.length)
    throw new ActionFailure(`${session} on ${ctx.host} is running again: nothing was removed`, 'x stops it');
  return verdict.ok(
    r.removed.length
      ? `removed the ended session ${session} on ${ctx.host}`
      : `${session} on ${ctx.host} is already gone`,
    ['marked stopped: it will not be restarted automatically'],
  );
}
