/** What an action learns about a host before it acts: one read-only look, through the host's run backend. */
import { RunBackendError, type HostSnapshot } from '../backends/runBackend.js';
import { backendExec } from './execute.js';
import { ActionFailure, type ActionContext } from './types.js';

export { liveRunsOf, resolveRemoteDir, type HostSnapshot, type Run as RunOnHost } from '../backends/runBackend.js';

export async function probeHost(ctx: ActionContext, host: string, rawRemoteDir: string): Promise<HostSnapshot> {
  try {
    return await ctx.backend.inspect(backendExec(ctx), host, rawRemoteDir);
  } catch (error) {
    if (error instanceof RunBackendError) throw new ActionFailure(error.message, error.hint);
    throw error;
  }
}
