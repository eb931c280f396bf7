/** What an action learns about a host before it acts: one read-only look, through the host's run backend. */
import { type HostSnapshot, RunBackendError } from '../backends/runBackend.js';
import { backendExec } from './execute.js';
import { type ActionContext, ActionFailure } from './types.js';

export { type HostSnapshot, liveRunsOf, type Run as RunOnHost, resolveRemoteDir } from '../backends/runBackend.js';

export async function probeHost(ctx: ActionContext, host: string, rawRemoteDir: string): Promise<HostSnapshot> {
  try {
    return await ctx.backend.inspect(backendExec(ctx), host, rawRemoteDir);
  } catch (error) {
    if (error instanceof RunBackendError) throw new ActionFailure(error.message, error.hint);
    throw error;
  }
}
