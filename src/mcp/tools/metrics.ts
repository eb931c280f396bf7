/** run_metrics: the parsed series of a run's log (the project's "metrics" pattern, or the default scanner), downsampled. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { tmuxBackend } from '../../backends/tmux/tmuxBackend.js';
import type { McpContext } from '../context.js';
import { metricSeries } from '../metrics.js';
import { errorResult, guarded, okResult } from '../result.js';
import { readLogSlice } from '../runLog.js';
import { hostArg, runArg } from '../schemas.js';

const SCAN_DEFAULT = 1024 * 1024;
const SCAN_MAX = 8 * 1024 * 1024;

export function registerMetricsTool(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    'run_metrics',
    {
      title: 'Run metrics',
      description: `The numbers in a run's log (loss, val_loss, lr, accuracy, … or the project's "metrics" pattern) as series: count, last, min, max and at most \`points\` [step, value] pairs each. Reads the last \`scanBytes\` of the log (default ${SCAN_DEFAULT}, at most ${SCAN_MAX}); the result says how many bytes before that were not read.`,
      inputSchema: {
        host: hostArg,
        run: runArg,
        points: z.number().int().min(2).max(1000).optional().describe('points per series (default 50)'),
        scanBytes: z.number().int().min(1024).max(SCAN_MAX).optional(),
      },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded(async ({ host, run, points, scanBytes }) => {
      await ctx.ready(host);
      const snap = await tmuxBackend.inspect(ctx.exec(host), host, '~');
      const found = snap.runs.find((r) => r.id === run);
      if (!found) return errorResult(`there is no run "${run}" on ${host}`, { runs: snap.runs.map((r) => r.id) });
      const slice = await readLogSlice(ctx.transport(host), host, found.manifest.log, {
        lines: Number.MAX_SAFE_INTEGER,
        capBytes: scanBytes ?? SCAN_DEFAULT,
      });
      const pattern = ctx.config.projects[found.project]?.metrics ?? null;
      const series = metricSeries(slice.text === '' ? [] : slice.text.split('\n'), pattern, points ?? 50);
      return okResult({
        run,
        host,
        state: found.state,
        log: slice.log,
        scannedBytes: slice.bytesReturned,
        notScannedBefore: slice.leftOutBefore,
        series,
      });
    }),
  );
}
