/**
 * The action tools and dry_run: the same action definitions and runner as the CLI, with typed
 * arguments only, behind the config's guard rails. `confirm: true` is the agent's --yes.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { defaultSessionName } from '../../actions/common.js';
import type { ActionTarget } from '../../actions/runner.js';
import type { ActionId, Verdict } from '../../actions/types.js';
import { tmuxBackend } from '../../backends/tmux/tmuxBackend.js';
import { printText } from '../../cli/print.js';
import { DRY_RUN_HEADER } from '../../commands/value.js';
import { safeText } from '../../text/sanitise.js';
import { recordAgentAction } from '../agentActions.js';
import type { McpContext } from '../context.js';
import { askPerson, canAskPerson } from '../elicit.js';
import {
  ACTION_TOOLS,
  type ActionTool,
  checkAction,
  checkGpus,
  checkRuns,
  confirmRefusal,
  Refusal,
} from '../guards.js';
import { errorResult, guarded, okResult } from '../result.js';
import { confirmArg, hostArg, paramsArg, projectArg, runArg } from '../schemas.js';

const ACTION_OF: Record<ActionTool, ActionId> = {
  sync: 'sync',
  smoke_test: 'smoke',
  launch: 'launch',
  restart_from_checkpoint: 'restart',
  stop_run: 'stop',
  pull_results: 'pull',
};
/** Output lines a result carries at most (the newest); the rest are counted. */
const MAX_LINES = 60;

interface ToolArgs {
  project?: string;
  host: string;
  run?: string;
  params?: { session?: string; gpus?: string };
  confirm?: boolean;
}

function targetOf(tool: ActionTool, a: ToolArgs): ActionTarget {
  if (tool === 'stop_run') return { host: a.host, session: a.run ?? null, params: {} };
  const params = {
    session: a.params?.session,
    gpus: a.params?.gpus,
    from: tool === 'restart_from_checkpoint' ? a.run : undefined,
    by: 'agent' as const,
  };
  return { host: a.host, project: a.project ?? null, session: null, params };
}

function verdictResult(
  tool: string,
  v: Verdict,
  lines: { text: string; kind: string }[],
  extra: Record<string, unknown> = {},
): CallToolResult {
  const kept = lines.slice(-MAX_LINES);
  const body = {
    tool,
    outcome: v.outcome,
    summary: v.summary,
    details: v.details,
    hint: v.hint,
    cause: v.cause ?? null,
    data: v.data ?? null,
    output: kept.map((l) => l.text),
    outputLeftOut: lines.length - kept.length,
    ...extra,
  };
  return v.outcome === 'ok' ? okResult(body) : errorResult(v.summary, body);
}

/** The checks that need the host: GPU and run caps. */
async function checkCaps(ctx: McpContext, tool: ActionTool, a: ToolArgs): Promise<void> {
  if (tool === 'launch' || tool === 'restart_from_checkpoint' || tool === 'smoke_test') {
    const choice = a.params?.gpus ?? (a.project ? ctx.config.projects[a.project]?.gpus : undefined) ?? 'all';
    const gpus = ctx.fleet.store.getState().hosts[a.host]?.gpus.length || null;
    checkGpus(ctx.config, tool, choice, gpus);
  }
  if ((tool === 'launch' || tool === 'restart_from_checkpoint') && ctx.config.agent.maxRuns !== null) {
    const snap = await tmuxBackend.inspect(ctx.exec(a.host), a.host, '~');
    checkRuns(ctx.config, tool, a.host, snap.runs.filter((r) => r.state === 'running').length);
  }
}

function validateShape(tool: ActionTool, a: ToolArgs): void {
  if (tool === 'stop_run' && !a.run)
    throw new Refusal('stop_run needs "run": the run id to stop (list_runs shows them)');
  if (tool !== 'stop_run' && !a.project)
    throw new Refusal(`${tool} needs "project": a project name from the config (${'see fleet_status / list_runs'})`);
}

const DESCRIPTIONS: Record<ActionTool, string> = {
  sync: 'Send the project code to the host (rsync). Deletes server files that are gone locally, except the outputs of live runs.',
  smoke_test:
    "Run the project's smoke command in the foreground and judge it (ok, crash, CUDA OOM, loss not falling); returns the verdict and the output's tail.",
  launch: 'Start the training run in a new tmux session on the host (params.session, params.gpus).',
  restart_from_checkpoint:
    "Relaunch a run from its newest checkpoint (run: the run to restart, default the project's newest on the host).",
  stop_run:
    'Stop a run: Ctrl-C, then kill its processes after the grace time. It is marked stopped and never restarted automatically; it stays listed (state stopped) with its log.',
  pull_results: "Fetch the project's results directory from the host (no checkpoints or weights).",
};

/**
 * The person is asked with the dry run's commands; what runs then is pinned to what was shown
 * (the session name and GPUs a launch or restart picked), so the approval covers exactly it.
 */
async function askFirst(
  server: McpServer,
  ctx: McpContext,
  tool: ActionTool,
  a: ToolArgs,
): Promise<{ allowed: true; target: ActionTarget } | { allowed: false; why: string }> {
  const starts = tool === 'launch' || tool === 'restart_from_checkpoint';
  const pinned: ToolArgs =
    starts && a.project
      ? { ...a, params: { ...a.params, session: a.params?.session ?? defaultSessionName(a.project) } }
      : a;
  const dry = await ctx.runAction(ACTION_OF[tool], targetOf(tool, pinned), { dryRun: true, assumeYes: true });
  if (dry.verdict.outcome !== 'ok') return { allowed: false, why: `its dry run failed: ${dry.verdict.summary}` };
  const commands = dry.lines.filter((l) => l.kind === 'command').map((l) => safeText(l.text));
  const what = `${tool.replace(/_/g, ' ')} on ${a.host}${a.project ? ` (project ${a.project})` : ''}${a.run ? ` (run ${a.run})` : ''}`;
  const answer = await askPerson(server.server, safeText(what), commands);
  if (!answer.allowed) return answer;
  const target = targetOf(tool, pinned);
  const gpus = (dry.verdict.data?.manifest as { gpus?: string | null } | undefined)?.gpus;
  if (starts && target.params && gpus !== undefined) target.params.gpus = gpus ?? 'all';
  return { allowed: true, target };
}

export function registerActionTools(server: McpServer, ctx: McpContext): void {
  for (const tool of ACTION_TOOLS) {
    const isStop = tool === 'stop_run';
    const input: z.ZodRawShape = isStop
      ? { host: hostArg, run: runArg, confirm: confirmArg }
      : tool === 'restart_from_checkpoint'
        ? { project: projectArg, host: hostArg, run: runArg.optional(), params: paramsArg, confirm: confirmArg }
        : tool === 'launch' || tool === 'smoke_test'
          ? { project: projectArg, host: hostArg, params: paramsArg, confirm: confirmArg }
          : { project: projectArg, host: hostArg, confirm: confirmArg };
    server.registerTool(
      tool,
      {
        title: tool.replace(/_/g, ' '),
        description: `${DESCRIPTIONS[tool]} Needs "${tool}" in the config's agent.allow and "confirm": true; call dry_run first to see the exact commands.`,
        inputSchema: input,
        annotations: {
          readOnlyHint: false,
          destructiveHint: isStop || tool === 'sync' || tool === 'restart_from_checkpoint',
          idempotentHint: false,
          openWorldHint: false,
        },
      },
      guarded(async (args: Record<string, unknown>) => {
        const raw = args as unknown as ToolArgs;
        await ctx.ready(raw.host);
        try {
          validateShape(tool, raw);
          checkAction(
            ctx.config,
            { tool, host: raw.host, project: raw.project ?? null, confirm: raw.confirm === true },
            { needConfirm: false },
          );
          await checkCaps(ctx, tool, raw);
        } catch (error) {
          if (error instanceof Refusal) return errorResult(error.message, { tool, refused: true });
          throw error;
        }
        let target = targetOf(tool, raw);
        if (raw.confirm !== true) {
          if (!canAskPerson(server.server))
            return errorResult(confirmRefusal(tool, raw.host).message, { tool, refused: true });
          const asked = await askFirst(server, ctx, tool, raw);
          if (!asked.allowed)
            return errorResult(`${tool} not done: ${asked.why}`, { tool, refused: true, askedPerson: true });
          target = asked.target;
        }
        printText(
          process.stderr,
          `trainyard mcp: ${tool} on ${raw.host}${raw.project ? ` (${raw.project})` : ''}${raw.run ? ` run ${raw.run}` : ''} by agent`,
        );
        const { verdict, lines } = await ctx.runAction(ACTION_OF[tool], target, { assumeYes: true });
        const session = typeof verdict.data?.session === 'string' ? verdict.data.session : null;
        await recordAgentAction(ctx.dataDir, {
          tool,
          host: raw.host,
          project: raw.project ?? null,
          run: session ?? raw.run ?? null,
          outcome: verdict.outcome,
          summary: verdict.summary,
          client: ctx.clientName(),
        }).catch((e: Error) =>
          printText(process.stderr, `trainyard mcp: cannot record the agent action: ${e.message}`),
        );
        return verdictResult(tool, verdict, lines);
      }),
    );
  }

  server.registerTool(
    'dry_run',
    {
      title: 'Dry run of an action',
      description:
        "What an action tool would do, without doing it: exactly the commands the CLI's --dry-run prints (only read-only queries run). Needs no permission.",
      inputSchema: {
        action: z.enum(ACTION_TOOLS),
        project: projectArg.optional(),
        host: hostArg,
        run: runArg.optional(),
        params: paramsArg,
      },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded(async (raw: ToolArgs & { action: ActionTool }) => {
      const tool = raw.action;
      await ctx.ready(raw.host);
      try {
        validateShape(tool, raw);
        ctx.transport(raw.host);
        if (raw.project !== undefined && !(raw.project in ctx.config.projects))
          throw new Refusal(
            `"${raw.project}" is not a configured project (${Object.keys(ctx.config.projects).join(', ') || 'none'})`,
          );
      } catch (error) {
        if (error instanceof Refusal) return errorResult(error.message, { tool: 'dry_run', refused: true });
        throw error;
      }
      const { verdict, lines } = await ctx.runAction(ACTION_OF[tool], targetOf(tool, raw), { dryRun: true });
      const commands = [DRY_RUN_HEADER, ...lines.filter((l) => l.kind === 'command').map((l) => l.text)];
      let allowed: string | null = null;
      try {
        checkAction(
          ctx.config,
          { tool, host: raw.host, project: raw.project ?? null, confirm: true },
          { needConfirm: false },
        );
      } catch (error) {
        allowed = (error as Error).message;
      }
      return verdictResult(
        'dry_run',
        verdict,
        lines.filter((l) => l.kind !== 'command'),
        { action: tool, commands, notAllowed: allowed },
      );
    }),
  );
}
