/**
 * start_sweep and stop_sweep: the sweep core `trainyard sweep` uses (src/sweeps/), with typed
 * arguments only and the same guard rails as the other action tools. Every host the sweep
 * touches must be open to agents, each run's GPUs stay within agent.maxGpus, and the sweep's
 * parallel runs within agent.maxRuns. Without `confirm: true` the tool answers with the dry run's
 * plan and does nothing.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { OutputKind } from '../../actions/types.js';
import { printText } from '../../cli/print.js';
import { SweepError } from '../../sweeps/expand.js';
import type { SweepSession } from '../../sweeps/session.js';
import { resolveSweep } from '../../sweeps/spec.js';
import { startSweep } from '../../sweeps/startSweep.js';
import { stopSweep } from '../../sweeps/stopSweep.js';
import { recordAgentAction } from '../agentActions.js';
import type { McpContext } from '../context.js';
import { type AgentTool, checkAction, Refusal } from '../guards.js';
import { errorResult, guarded, okResult } from '../result.js';
import { confirmArg, hostArg, projectArg } from '../schemas.js';

const MAX_LINES = 60;
const PLAIN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const sweepNameArg = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'name: letters, digits, _ and - (up to 40)')
  .describe('the sweep name (default: PROJECT-xxxx)');
const valueArg = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^,\n\r\0]*$/, 'a parameter value: no commas, newlines or NUL')
  .describe('one value, passed to the program as data');

type Line = { text: string; kind: OutputKind };

/** The sweep core sees only the hosts open to agents. */
function agentSession(ctx: McpContext, dryRun: boolean, lines: Line[]): SweepSession {
  const open = ctx.config.agent.hosts;
  return {
    config: open ? { ...ctx.config, hosts: ctx.config.hosts.filter((h) => open.includes(h.alias)) } : ctx.config,
    transportFor: async (host) => ctx.transport(host),
    dataDir: ctx.dataDir,
    env: process.env,
    dryRun,
    assumeYes: true,
    by: 'agent',
    output: (text, kind = 'out') => lines.push({ text, kind }),
    confirm: async () => false,
  };
}

function body(tool: string, lines: Line[], extra: Record<string, unknown>): Record<string, unknown> {
  const kept = lines.slice(-MAX_LINES);
  return { tool, ...extra, output: kept.map((l) => l.text), outputLeftOut: lines.length - kept.length };
}

/** Every host must pass the same checks as a single action on it. */
function checkHosts(ctx: McpContext, tool: AgentTool, hosts: string[], project: string | null, confirm: boolean) {
  for (const host of hosts) checkAction(ctx.config, { tool, host, project, confirm }, { needConfirm: false });
}

async function record(ctx: McpContext, tool: string, project: string | null, outcome: string, summary: string) {
  await recordAgentAction(ctx.dataDir, {
    tool,
    host: '*',
    project,
    run: null,
    outcome,
    summary,
    client: ctx.clientName(),
  }).catch((e: Error) => printText(process.stderr, `trainyard mcp: cannot record the agent action: ${e.message}`));
}

export function registerSweepTools(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    'start_sweep',
    {
      title: 'start sweep',
      description:
        'Start a sweep: one run per combination of the grid, placed on free GPUs of the hosts (in order of preference), the rest queued on the servers and started by the watchdog as GPUs free; on a Slurm login node, one job array that Slurm places. Runs whose config already ran or is queued are skipped. Without "confirm": true, returns the plan and does nothing. Needs "start_sweep" in agent.allow.',
      inputSchema: {
        project: projectArg,
        grid: z
          .record(z.string().regex(PLAIN, 'a parameter name: letters, digits and _'), z.array(valueArg).min(1).max(50))
          .describe('parameter name → values, e.g. {"lr": ["1e-3", "3e-4"], "seed": ["1", "2"]}'),
        name: sweepNameArg.optional(),
        hosts: z.array(hostArg).min(1).max(64).optional().describe('hosts in order of preference (default: all)'),
        gpusPerRun: z.number().int().min(1).max(64).optional(),
        maxParallel: z.number().int().min(1).max(1000).optional(),
        confirm: confirmArg,
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    guarded(async (raw): Promise<CallToolResult> => {
      const a = raw as {
        project: string;
        grid: Record<string, string[]>;
        name?: string;
        hosts?: string[];
        gpusPerRun?: number;
        maxParallel?: number;
        confirm?: boolean;
      };
      let spec: ReturnType<typeof resolveSweep>;
      try {
        const hosts = a.hosts ?? ctx.config.agent.hosts ?? ctx.config.hosts.map((h) => h.alias);
        checkHosts(ctx, 'start_sweep', hosts, a.project, a.confirm === true);
        spec = resolveSweep(ctx.config, {
          target: a.project,
          grid: Object.entries(a.grid).map(([k, vs]) => `${k}=${vs.join(',')}`),
          name: a.name,
          hosts,
          gpusPerRun: a.gpusPerRun,
          maxParallel: a.maxParallel,
        });
        const { maxGpus, maxRuns } = ctx.config.agent;
        if (maxGpus !== null && spec.gpusPerRun > maxGpus)
          throw new Refusal(
            `start_sweep with gpusPerRun ${spec.gpusPerRun}: agents may use at most ${maxGpus} GPU(s) per run (agent.maxGpus)`,
          );
        if (maxRuns !== null && (spec.maxParallel === null || spec.maxParallel > maxRuns)) {
          if (a.maxParallel !== undefined)
            throw new Refusal(
              `start_sweep with maxParallel ${a.maxParallel}: agents may run at most ${maxRuns} at once (agent.maxRuns) — pass maxParallel ${maxRuns} or fewer`,
            );
          spec = { ...spec, maxParallel: maxRuns };
        }
      } catch (error) {
        if (error instanceof Refusal || error instanceof SweepError)
          return errorResult(error.message, { tool: 'start_sweep', refused: true });
        throw error;
      }
      await Promise.all(spec.hosts.map((h) => ctx.ready(h)));
      const dry = a.confirm !== true;
      const lines: Line[] = [];
      const outcome = await startSweep(agentSession(ctx, dry, lines), spec);
      const result = body('start_sweep', lines, {
        sweep: spec.name,
        dryRun: dry,
        ok: outcome.ok,
        summary: outcome.summary,
        started: outcome.started,
        queued: outcome.queued,
        failed: outcome.failed,
        ...(dry ? { hint: 'nothing was done: call start_sweep again with "confirm": true to start it' } : {}),
      });
      if (!dry) await record(ctx, 'start_sweep', spec.project, outcome.ok ? 'ok' : 'failed', outcome.summary);
      return outcome.ok ? okResult(result) : errorResult(outcome.summary, result);
    }),
  );

  server.registerTool(
    'stop_sweep',
    {
      title: 'stop sweep',
      description:
        'Drain a sweep on every host: its queued runs are dropped and no more start; running runs finish, or with "kill": true are stopped (Ctrl-C, then kill). Without "confirm": true, says what it would do and does nothing. Needs "stop_sweep" in agent.allow.',
      inputSchema: { name: sweepNameArg, kill: z.boolean().optional(), confirm: confirmArg },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    guarded(async (raw): Promise<CallToolResult> => {
      const a = raw as { name: string; kill?: boolean; confirm?: boolean };
      const hosts = ctx.config.hosts.map((h) => h.alias).filter((h) => ctx.config.agent.hosts?.includes(h) ?? true);
      try {
        checkHosts(ctx, 'stop_sweep', hosts, null, a.confirm === true);
      } catch (error) {
        if (error instanceof Refusal) return errorResult(error.message, { tool: 'stop_sweep', refused: true });
        throw error;
      }
      await Promise.all(hosts.map((h) => ctx.ready(h)));
      const dry = a.confirm !== true;
      const lines: Line[] = [];
      const out = await stopSweep(agentSession(ctx, dry, lines), a.name, { kill: a.kill === true });
      const result = body('stop_sweep', lines, {
        sweep: a.name,
        dryRun: dry,
        ok: out.ok,
        summary: out.summary,
        dropped: out.dropped,
        killed: out.killed,
        stillRunning: out.stillRunning,
        unreachable: out.unreachable,
        ...(dry ? { hint: 'nothing was done: call stop_sweep again with "confirm": true' } : {}),
      });
      if (!dry) await record(ctx, 'stop_sweep', null, out.ok ? 'ok' : 'failed', out.summary);
      return out.ok ? okResult(result) : errorResult(out.summary, result);
    }),
  );
}
