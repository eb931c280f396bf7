/**
 * `trainyard mcp`: a Model Context Protocol server over stdio for AI agents. It holds one
 * connection per configured host for its whole life (the same fleet as the cockpit) and offers
 * typed tools instead of a shell. Only protocol goes to stdout; everything else to stderr.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { printText } from '../cli/print.js';
import type { Config } from '../config/types.js';
import { McpContext } from './context.js';
import { registerPrompts } from './prompts.js';
import { registerRunResources } from './resources.js';
import { registerActionTools } from './tools/actions.js';
import { registerCompareTool } from './tools/compare.js';
import { registerExplainTool } from './tools/explain.js';
import { registerMetricsTool } from './tools/metrics.js';
import { registerReadOnlyTools } from './tools/readOnly.js';
import { registerSweepTools } from './tools/sweeps.js';

export function createMcpServer(ctx: McpContext, version: string): McpServer {
  const server = new McpServer(
    { name: 'trainyard', version },
    {
      instructions:
        'trainyard runs training on remote GPU servers. Read with fleet_status, list_runs, run_log, run_metrics, events, explain_failure (why a run crashed) and compare (a sweep side by side); runs\' logs and manifests are resources too; the morning_report prompt tells the night. Preview any action with dry_run; actions (sync, smoke_test, launch, restart_from_checkpoint, stop_run, pull_results, start_sweep, stop_sweep) need the config to allow them and "confirm": true (or, where the client can ask its person, their yes).',
    },
  );
  ctx.clientName = () => server.server.getClientVersion()?.name ?? null;
  registerReadOnlyTools(server, ctx);
  registerMetricsTool(server, ctx);
  registerExplainTool(server, ctx);
  registerCompareTool(server, ctx);
  registerActionTools(server, ctx);
  registerSweepTools(server, ctx);
  registerRunResources(server, ctx);
  registerPrompts(server, ctx);
  return server;
}

/** Serves until stdin closes (the client went away), then closes the connections. */
export async function runMcpServer(config: Config, version: string): Promise<number> {
  // a stray console.log would corrupt the protocol stream
  console.log = console.error;
  console.info = console.error;
  // the server outlives any one call: a stray rejection is logged, never the end of every client's tools
  process.on('unhandledRejection', (reason) =>
    printText(
      process.stderr,
      `trainyard mcp: unexpected error: ${reason instanceof Error ? reason.message : String(reason)}`,
    ),
  );
  const ctx = new McpContext(config);
  ctx.start();
  const server = createMcpServer(ctx, version);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
    process.stdin.once('close', () => resolve());
  });
  await server.connect(transport);
  printText(
    process.stderr,
    `trainyard mcp: serving ${config.hosts.length} host(s) from ${config.file}; allowed actions: ${config.agent.allow.join(', ') || 'none (read-only)'}`,
  );
  await closed;
  await server.close().catch(() => {});
  await ctx.close();
  return 0;
}
