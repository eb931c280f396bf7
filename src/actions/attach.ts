/**
 * Attach: `ssh -F cfg -t alias tmux attach -t =session` with the terminal handed over,
 * returning on detach; inside a local tmux, optionally in a new tmux window instead.
 */
import { spawn } from 'node:child_process';
import { runLocal } from './execute.js';
import { ActionCancelled, type ActionContext, ActionFailure, type Verdict, verdict } from './types.js';

/** Runs an argv with this terminal (stdio inherited); resolves with its exit code when it ends (on detach). */
export function runWithTerminal(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit', env });
    child.once('error', () => resolve(127));
    child.once('exit', (code) => resolve(code));
  });
}

export async function runAttach(ctx: ActionContext): Promise<Verdict> {
  const session = ctx.session;
  if (!session) throw new ActionFailure('attach needs a session', 'select a session first');
  let where = ctx.params.where;
  if (where === undefined) {
    if (ctx.env.TMUX) {
      const answer = await ctx.ask({
        kind: 'choice',
        title: 'Attach',
        message: `Attach to ${session}: in a new tmux window, or here (the cockpit comes back when you detach)?`,
        choices: [
          { value: 'new-window', label: 'new tmux window' },
          { value: 'here', label: 'here' },
        ],
        defaultValue: 'new-window',
      });
      if (answer === null) throw new ActionCancelled('not attached', true);
      where = answer === 'here' ? 'here' : 'new-window';
    } else where = 'here';
  }
  if (where === 'new-window') {
    const r = await runLocal(ctx, ctx.backend.attachCommand(ctx.config.sshConfig, ctx.host, session, 'new-window'), {
      env: ctx.env,
    });
    if (r.dry) return verdict.ok('dry run: the command above would open the window');
    if (r.code !== 0)
      throw new ActionFailure(`tmux new-window failed (exit ${r.code}): ${r.tail.join(' ')}`, 'attach here instead');
    return verdict.ok(`opened ${session} on ${ctx.host} in a new tmux window`);
  }
  const command = ctx.backend.attachCommand(ctx.config.sshConfig, ctx.host, session, 'here');
  if (ctx.dryRun) {
    await runLocal(ctx, command);
    return verdict.ok('dry run: the command above would attach');
  }
  const code = await ctx.withTerminal(() => runWithTerminal(command.argv, ctx.env));
  if (code === 0) return verdict.ok(`detached from ${session} on ${ctx.host}`);
  if (code === 255)
    throw new ActionFailure(`ssh to ${ctx.host} failed`, `test it: ssh -F ${ctx.config.sshConfig} ${ctx.host} true`);
  throw new ActionFailure(
    `attach to ${session} on ${ctx.host} ended with exit ${code}`,
    'the session may be gone (the Sessions pane, or trainyard status, lists them)',
  );
}
