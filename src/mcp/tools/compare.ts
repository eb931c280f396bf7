/** compare: a sweep's (or a project's) runs side by side, as `trainyard compare NAME --json` prints them. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { compareFromHosts, runsToCompare } from '../../runs/compareRead.js';
import type { RunRow } from '../../runs/runsModel.js';
import { configRedactor, redactDeep } from '../../secrets/redact.js';
import type { McpContext } from '../context.js';
import { errorResult, guarded, okResult } from '../result.js';
import { hostArg, projectArg } from '../schemas.js';

const ROWS_DEFAULT = 50;

export function registerCompareTool(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    'compare',
    {
      title: 'Compare runs',
      description: `A sweep's runs side by side (name: a sweep, or else a project): one row per run with the params that differ and the final, min and best of each metric (from the metrics files in its run directory and its log), sorted by the project's "metric", the best marked. At most \`maxRows\` rows (default ${ROWS_DEFAULT}, best first); the result says how many were left out.`,
      inputSchema: {
        name: projectArg.describe('a sweep name, or a project name'),
        host: hostArg.optional().describe('only this host (default: every host)'),
        maxRows: z.number().int().min(1).max(500).optional(),
      },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded(async ({ name, host, maxRows }) => {
      if (host !== undefined) ctx.transport(host); // names the configured hosts when it is not one
      const aliases = host === undefined ? ctx.hostAliases() : [host];
      const errors: { host: string; error: string }[] = [];
      const perHost = await Promise.all(
        aliases.map(async (alias): Promise<RunRow[]> => {
          try {
            return await ctx.runRows(alias);
          } catch (error) {
            errors.push({ host: alias, error: (error as Error).message });
            return [];
          }
        }),
      );
      const rows = perHost.flat();
      if (runsToCompare(rows, name).length === 0)
        return errorResult(
          `no run belongs to a sweep or project named "${name}"${errors.length ? ' on the hosts that answered' : ''}`,
          { errors },
        );
      const result = await compareFromHosts(ctx.config, name, rows, (h) => {
        try {
          return ctx.exec(h);
        } catch {
          return null;
        }
      });
      errors.push(...result.errors);
      const table = redactDeep(result.table, configRedactor(ctx.config));
      const cap = maxRows ?? ROWS_DEFAULT;
      return okResult({
        ...table,
        rows: table.rows.slice(0, cap),
        rowsLeftOut: Math.max(0, table.rows.length - cap),
        errors,
      });
    }),
  );
}
