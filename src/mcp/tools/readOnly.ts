/** The tools that change nothing: fleet_status, list_runs, run_log, events. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { Run } from '../../backends/runBackend.js';
import { tmuxBackend } from '../../backends/tmux/tmuxBackend.js';
import { hostStatusJson } from '../../cli/status.js';
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

function runJson(r: Run) {
  const m = r.manifest;
  return {
    run: r.id,
    project: r.project,
    host: r.host,
    state: r.state,
    exitCode: r.exitCode,
    stoppedByUser: r.stoppedMarker,
    gpus: r.gpus,
    startedAt: m.startedAt,
    parent: m.parent,
    resumedFrom: m.resumedFrom,
    log: m.log,
    command: m.effectiveCommand ?? m.command,
  };
}

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
        'The runs trainyard launched on each host (state running/exited/stopped/gone, exit code, GPUs, log path, parent) and, where the server-side watchdog runs, its summary of each run (progress, latest loss, flags).',
      inputSchema: {
        host: hostArg.optional(),
        project: projectArg.optional(),
        state: z.enum(['running', 'exited', 'stopped', 'gone']).optional(),
      },
      annotations: READ_ONLY,
    },
    guarded(async ({ host, project, state }) => {
      const perHost = await Promise.all(
        (await hostsFor(ctx, host)).map(async (alias) => {
          try {
            const exec = ctx.exec(alias);
            const [snap, watchdog] = await Promise.all([
              tmuxBackend.inspect(exec, alias, '~'),
              watchdogStatusFor(ctx.transport(alias), alias, { maxUnread: 0 }),
            ]);
            const summaries = new Map((watchdog.summary?.runs ?? []).map((r) => [r.session, r]));
            const runs = snap.runs
              .filter(
                (r) => (project === undefined || r.project === project) && (state === undefined || r.state === state),
              )
              .map((r) => ({ ...runJson(r), watchdog: summaries.get(r.id) ?? null }));
            return {
              host: alias,
              runs,
              watchdog: watchdog.installed
                ? { running: watchdog.running, stale: watchdog.stale, unreadEvents: watchdog.unreadCount }
                : null,
              error: null,
            };
          } catch (error) {
            return { host: alias, runs: [], watchdog: null, error: (error as Error).message };
          }
        }),
      );
      return okResult({ hosts: perHost });
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
