/** The runs of a host as the tools see them: one read-only look through the run backend. */
import type { Run } from '../backends/runBackend.js';
import { tmuxBackend } from '../backends/tmux/tmuxBackend.js';
import type { McpContext } from './context.js';
import { Refusal } from './guards.js';

export async function runsOn(ctx: McpContext, host: string): Promise<Run[]> {
  await ctx.ready(host);
  return (await tmuxBackend.inspect(ctx.exec(host), host, '~')).runs;
}

/** The run, or a Refusal naming the runs there are (the newest 20). */
export async function findRun(ctx: McpContext, host: string, run: string): Promise<Run> {
  const runs = await runsOn(ctx, host);
  const found = runs.find((r) => r.id === run);
  if (found) return found;
  const names = runs
    .sort((a, b) => (a.manifest.startedAt < b.manifest.startedAt ? 1 : -1))
    .slice(0, 20)
    .map((r) => r.id);
  throw new Refusal(
    `there is no run "${run}" on ${host}${names.length ? ` (newest: ${names.join(', ')}; list_runs shows them all)` : ' (no trainyard runs there)'}`,
  );
}
