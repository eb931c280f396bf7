/** The "morning_report" prompt: what happened on every host overnight, two lines per host and run. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { parseSince, type WatchdogEvent } from '../watchdog/events.js';
import { readWatchdogEvents } from '../watchdog/operations.js';
import { watchdogStatusFor } from '../watchdog/status.js';
import { agentActionEvent, readAgentActions } from './agentActions.js';
import type { McpContext } from './context.js';
import { Refusal } from './guards.js';
import { type HostReportInput, morningReport } from './report.js';
import { hostArg } from './schemas.js';

async function hostInput(ctx: McpContext, alias: string, since: Date): Promise<HostReportInput> {
  const host = ctx.fleet.store.getState().hosts[alias];
  const agent = (await readAgentActions(ctx.dataDir, since)).map(agentActionEvent).filter((e) => e.alias === alias);
  try {
    const transport = ctx.transport(alias);
    const [watchdog, events, runs] = await Promise.all([
      watchdogStatusFor(transport, alias, { maxUnread: 0 }),
      readWatchdogEvents(transport, alias, since).catch(() => [] as WatchdogEvent[]),
      ctx.runRows(alias),
    ]);
    const all = [...events, ...agent].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    return { alias, host, watchdog, events: all, runs, error: null };
  } catch (error) {
    return { alias, host, watchdog: null, events: agent, runs: [], error: (error as Error).message };
  }
}

export function registerPrompts(server: McpServer, ctx: McpContext): void {
  server.registerPrompt(
    'morning_report',
    {
      title: 'Morning report',
      description:
        'What ran overnight on every host: two lines per host (connection, GPUs, watchdog; started/finished/crashed/restarted since) and two per run (state, progress, loss, who started it; how it ended).',
      argsSchema: {
        since: z
          .string()
          .max(40)
          .optional()
          .describe('a duration back (12h, default) or a time (2026-11-23T20:00:00Z)'),
        host: hostArg.optional(),
      },
    },
    async ({ since, host }): Promise<GetPromptResult> => {
      const words = since ?? '12h';
      const from = parseSince(words);
      if (from === null)
        throw new Refusal(`since takes a time (2026-11-23T08:00:00Z) or a duration (12h, 30m, 2d), not "${words}"`);
      if (host !== undefined && !ctx.hostAliases().includes(host))
        throw new Refusal(`"${host}" is not a configured host (${ctx.hostAliases().join(', ')})`);
      await ctx.fleet.settled(10_000);
      const aliases = host === undefined ? ctx.hostAliases() : [host];
      const inputs = await Promise.all(aliases.map((a) => hostInput(ctx, a, from)));
      const lines = morningReport(inputs, from, `${words} (${from.toISOString().replace(/\.\d{3}Z$/, 'Z')})`);
      const text = [
        "Here is trainyard's morning report. Tell me briefly what ran, what finished, what crashed and why (explain_failure gives the cause), what was restarted, and what needs me now.",
        '',
        ...lines,
      ].join('\n');
      return {
        description: `trainyard morning report, since ${words}`,
        messages: [{ role: 'user', content: { type: 'text', text } }],
      };
    },
  );
}
