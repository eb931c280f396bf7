/** The tools that change nothing: fleet_status, list_runs, run_log, events. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { tmuxBackend } from '../../backends/tmux/tmuxBackend.js';
import { runJsonRow } from '../../cli/runs.js';
import { hostStatusJson } from '../../cli/status.js';
import { DISPLAY_STATES, fleetSummary, type RunDisplayState } from '../../runs/runsModel.js';
import { sortRuns } from '../../runs/runsOrder.js';
import { parseSince } from '../../watchdog/events.js';
import { readWatchdogEvents } from '../../watchdog/operations.js';
import { watchdogStatusFor } from '../../watchdog/status.js';
import { agentActionEvent, readAgentActions } from '../agentActions.js';
import type { McpContext } from '../context.js';
import { errorResult, guarded, okResult } from '../result.js';
import { readLogSlice } from '../runLog.js';
import { hostArg, projectArg, runArg } from '../schemas.js';

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;
export const LOG_CAP_DEFAULT = 32 * 1024;
export const LOG_CAP_MAX = 1024 * 1024;

async function hostsFor(ctx: McpContext, host: string | undefined): Promise<string[]> {
  if (host !== undefined) ctx.transport(host); // names the configured hosts when it is not one
  const aliases = host === undefined ? ctx.hostAliases() : [host];
  await Promise.all(aliases.map((a) => ctx.ready(a)));
  return aliases;
}

export function registerReadOnlyTools(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    'fleet_status',
    {
      title: 'Fleet status',
      description:
        'Every host: connection, GPUs (utilisation, memory, temperature, power), which GPUs are free (no compute process), tmux sessions. From the connections trainyard holds; nothing is run.',
      inputSchema: { host: hostArg.optional() },
      annotations: READ_ONLY,
    },
    guarded(async ({ host }) => {
      await ctx.fleet.settled(10_000);
      const state = ctx.fleet.store.getState();
      const aliases = host === undefined ? state.hostOrder : [host];
      if (host !== undefined && !state.hosts[host])
        return errorResult(`"${host}" is not a configured host (${state.hostOrder.join(', ')})`);
      return okResult({
        hosts: aliases.map((a) => {
          const h = state.hosts[a];
          const busy = new Set(h.processes.map((p) => p.gpuUuid));
          return { ...hostStatusJson(h), freeGpus: h.gpus.filter((g) => !busy.has(g.uuid)).map((g) => g.index) };
        }),
      });
    }),
  );

  server.registerTool(
    'list_runs',
    {
      title: 'List runs',
      description:
        "Every run on each host, as `trainyard runs` shows them: state (queued, running, finished, crashed, restarted, stopped), exit code, progress, latest loss, ETA, runtime, GPUs, params, sweep, parent and child, who started it (by); with the server-side watchdog's summary of each run where it runs (flags, last error, restarts).",
      inputSchema: {
        host: hostArg.optional(),
        project: projectArg.optional(),
        sweep: projectArg.optional().describe('only the runs of this sweep'),
        state: z.enum(DISPLAY_STATES as [RunDisplayState, ...RunDisplayState[]]).optional(),
      },
      annotations: READ_ONLY,
    },
    guarded(async ({ host, project, sweep, state }) => {
      const perHost = await Promise.all(
        (await hostsFor(ctx, host)).map(async (alias) => {
          try {
            const transport = ctx.transport(alias);
            const [rows, watchdog] = await Promise.all([
              ctx.runRows(alias),
              watchdogStatusFor(transport, alias, { maxUnread: 0 }),
            ]);
            const summaries = new Map((watchdog.summary?.runs ?? []).map((r) => [r.session, r]));
            const runs = sortRuns(rows, 'state')
              .filter(
                (r) =>
                  (project === undefined || r.project === project) &&
                  (sweep === undefined || r.sweep === sweep) &&
                  (state === undefined || r.state === state),
              )
              .map((r) => ({ run: r.id, ...runJsonRow(r), watchdog: summaries.get(r.id) ?? null }));
            return {
              host: alias,
              summary: fleetSummary(runs),
              runs,
              watchdog: watchdog.installed
                ? { running: watchdog.running, stale: watchdog.stale, unreadEvents: watchdog.unreadCount }
                : null,
              error: null,
            };
          } catch (error) {
            return { host: alias, summary: null, runs: [], watchdog: null, error: (error as Error).message };
          }
        }),
      );
      return okResult({ summary: fleetSummary(perHost.flatMap((h) => h.runs)), hosts: perHost });
    }),
  );

  server.registerTool(
    'run_log',
    {
      title: 'Run log',
      description: `A run's log, sanitised: the last \`lines\` lines, or (with \`offset\`) what follows that byte offset. At most \`maxBytes\` (default ${LOG_CAP_DEFAULT}, at most ${LOG_CAP_MAX}) come back; the result says how many bytes were left out before and after, and nextOffset to continue from.`,
      inputSchema: {
        host: hostArg,
        run: runArg,
        lines: z
          .number()
          .int()
          .min(1)
          .max(10_000)
          .optional()
          .describe('how many last lines (default 100; ignored with offset)'),
        offset: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe('a byte offset (nextOffset of an earlier call): read what follows it'),
        maxBytes: z.number().int().min(1024).max(LOG_CAP_MAX).optional(),
      },
      annotations: READ_ONLY,
    },
    guarded(async ({ host, run, lines, offset, maxBytes }) => {
      await ctx.ready(host);
      const snap = await tmuxBackend.inspect(ctx.exec(host), host, '~');
      const found = snap.runs.find((r) => r.id === run);
      if (!found) return errorResult(`there is no run "${run}" on ${host}`, { runs: snap.runs.map((r) => r.id) });
      const slice = await readLogSlice(ctx.transport(host), host, found.manifest.log, {
        lines: lines ?? 100,
        offset,
        capBytes: maxBytes ?? LOG_CAP_DEFAULT,
      });
      const more =
        slice.leftOutAfter > 0
          ? `${slice.leftOutAfter} more bytes: call again with offset ${slice.nextOffset}`
          : `up to date: call again with offset ${slice.nextOffset} for new output`;
      return okResult({ run, host, state: found.state, ...slice, more });
    }),
  );

  server.registerTool(
    'events',
    {
      title: 'Watchdog events',
      description:
        "The server-side watchdogs' timeline (crashes, stalls, divergence, OOM, restarts, finishes), oldest first, from every host or one, with the actions agents ran over MCP from this machine (kind agent-action).",
      inputSchema: {
        host: hostArg.optional(),
        since: z.string().max(40).optional().describe('a time (2026-11-23T08:00:00Z) or a duration back (8h, 30m, 2d)'),
        limit: z.number().int().min(1).max(1000).optional().describe('at most this many, the newest (default 200)'),
      },
      annotations: READ_ONLY,
    },
    guarded(async ({ host, since, limit }) => {
      const from = since === undefined ? null : parseSince(since);
      if (since !== undefined && from === null)
        return errorResult(`since takes a time (2026-11-23T08:00:00Z) or a duration (8h, 30m, 2d), not "${since}"`);
      const perHost = await Promise.all(
        (await hostsFor(ctx, host)).map(async (alias) => {
          try {
            return { alias, events: await readWatchdogEvents(ctx.transport(alias), alias, from), error: null };
          } catch (error) {
            return { alias, events: [], error: (error as Error).message };
          }
        }),
      );
      const aliases = new Set(perHost.map((h) => h.alias));
      const agent = (await readAgentActions(ctx.dataDir, from))
        .map(agentActionEvent)
        .filter((e) => aliases.has(e.alias));
      const merged = [...perHost.flatMap((h) => h.events.map((e) => ({ ...e, alias: h.alias }))), ...agent].sort(
        (a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0),
      );
      const max = limit ?? 200;
      const kept = merged.slice(-max);
      return okResult({
        events: kept,
        leftOut: merged.length - kept.length,
        errors: perHost.filter((h) => h.error !== null).map((h) => ({ host: h.alias, error: h.error })),
      });
    }),
  );
}
