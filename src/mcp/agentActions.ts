/**
 * What agents did, on this machine: one JSON line per action an MCP client ran (the tool, host,
 * project, run, outcome), in <data dir>/agent-actions.jsonl. The `events` tool and `trainyard
 * events` merge these into the watchdogs' timeline as kind "agent-action", so the morning story
 * says which launches, restarts and stops an agent did. Runs an agent starts also carry
 * `"by": "agent"` in their manifest.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { eventTime, type WatchdogEvent } from '../watchdog/events.js';

export interface AgentAction {
  /** ISO UTC, whole seconds (this machine's clock). */
  time: string;
  /** The MCP tool, e.g. "launch". */
  tool: string;
  host: string;
  project: string | null;
  /** The run it started, restarted or stopped, when there is one. */
  run: string | null;
  outcome: string;
  summary: string;
  /** The MCP client's name, as it introduced itself. */
  client: string | null;
}

export function agentActionsFile(dataDir: string): string {
  return path.join(dataDir, 'agent-actions.jsonl');
}

export async function recordAgentAction(
  dataDir: string,
  a: Omit<AgentAction, 'time'>,
  now = new Date(),
): Promise<void> {
  const line = JSON.stringify({ time: eventTime(now), ...a });
  await mkdir(dataDir, { recursive: true });
  await appendFile(agentActionsFile(dataDir), `${line}\n`, { mode: 0o600 });
}

function asAction(v: unknown): AgentAction | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const s = (x: unknown) => (typeof x === 'string' ? x : null);
  if (!s(o.time) || !s(o.tool) || !s(o.host)) return null;
  return {
    time: o.time as string,
    tool: o.tool as string,
    host: o.host as string,
    project: s(o.project),
    run: s(o.run),
    outcome: s(o.outcome) ?? '?',
    summary: s(o.summary) ?? '',
    client: s(o.client),
  };
}

/** The recorded actions at or after `since` (all without), oldest first; a torn line is skipped. */
export async function readAgentActions(dataDir: string, since: Date | null): Promise<AgentAction[]> {
  let text: string;
  try {
    text = await readFile(agentActionsFile(dataDir), 'utf8');
  } catch {
    return [];
  }
  const from = since === null ? null : eventTime(since);
  const out: AgentAction[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const a = asAction(JSON.parse(line));
      if (a && (from === null || a.time >= from)) out.push(a);
    } catch {
      // a line cut by a crash: skip it
    }
  }
  return out;
}

/** An action as a timeline event (host is the alias: the action was asked for by alias). */
export function agentActionEvent(a: AgentAction, index: number): WatchdogEvent & { alias: string } {
  const who = a.client ? `agent ${a.client}` : 'agent';
  return {
    time: a.time,
    id: `agent-${a.time}-${index}`,
    host: a.host,
    alias: a.host,
    session: a.run,
    project: a.project,
    kind: 'agent-action',
    level: a.outcome === 'ok' ? 'info' : 'warn',
    detail: `${a.tool} by ${who}: ${a.outcome === 'ok' ? '' : `${a.outcome} — `}${a.summary}`,
    pushed: false,
  };
}
