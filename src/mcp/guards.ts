/**
 * The guard rails between an agent and the actions: the config's "agent" section says which
 * action tools it may call, on which hosts and projects, with how many GPUs and runs. Every
 * refusal names the key that would allow it.
 */
import type { Config } from '../config/types.js';

/** The action tools, as named in agent.allow. */
export const ACTION_TOOLS = [
  'sync',
  'smoke_test',
  'launch',
  'restart_from_checkpoint',
  'stop_run',
  'pull_results',
] as const;
export type ActionTool = (typeof ACTION_TOOLS)[number];
/** The sweep tools: the same guards, over every host of the sweep. */
export const SWEEP_TOOLS = ['start_sweep', 'stop_sweep'] as const;
/** Everything agent.allow may name. */
export const AGENT_TOOLS = [...ACTION_TOOLS, ...SWEEP_TOOLS] as const;
export type AgentTool = (typeof AGENT_TOOLS)[number];

export class Refusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Refusal';
  }
}

export interface ActionRequest {
  tool: AgentTool;
  host: string;
  project: string | null;
  confirm: boolean;
}

/** Throws a Refusal when the config does not let an agent do this; confirm is checked last (a dry run needs none). */
export function checkAction(config: Config, req: ActionRequest, opts: { needConfirm: boolean }): void {
  const agent = config.agent;
  const file = config.file;
  if (!agent.allow.includes(req.tool)) {
    throw new Refusal(
      `${req.tool} is not allowed for agents — a person allows it by adding "${req.tool}" to "agent": {"allow": [...]} in ${file}`,
    );
  }
  if (!config.hosts.some((h) => h.alias === req.host))
    throw new Refusal(`"${req.host}" is not a configured host (${config.hosts.map((h) => h.alias).join(', ')})`);
  if (agent.hosts && !agent.hosts.includes(req.host)) {
    throw new Refusal(
      `host ${req.host} is not open to agents — a person allows it by adding "${req.host}" to "agent": {"hosts": [...]} in ${file}`,
    );
  }
  if (req.project !== null) {
    if (!(req.project in config.projects))
      throw new Refusal(
        `"${req.project}" is not a configured project (${Object.keys(config.projects).join(', ') || 'none'})`,
      );
    if (agent.projects && !agent.projects.includes(req.project)) {
      throw new Refusal(
        `project ${req.project} is not open to agents — a person allows it by adding "${req.project}" to "agent": {"projects": [...]} in ${file}`,
      );
    }
  }
  if (opts.needConfirm && !req.confirm) throw confirmRefusal(req.tool, req.host);
}

export function confirmRefusal(tool: AgentTool, host: string): Refusal {
  return new Refusal(
    `${tool} changes things on ${host}: call dry_run with the same arguments to see exactly what it would do, then call ${tool} again with "confirm": true`,
  );
}

/**
 * How many GPUs a choice takes: "all" takes every GPU the host has (null when unknown), "0,2"
 * two, "least-used" one, "least-used:N" N.
 */
export function gpusTaken(choice: string, hostGpuCount: number | null): number | null {
  if (choice === 'all') return hostGpuCount;
  if (/^\d+(,\d+)*$/.test(choice)) return new Set(choice.split(',')).size;
  const m = /^least-used(?::(\d+))?$/.exec(choice);
  if (m) return m[1] === undefined ? 1 : Number(m[1]);
  return null;
}

export function checkGpus(config: Config, tool: ActionTool, choice: string, hostGpuCount: number | null): void {
  const max = config.agent.maxGpus;
  if (max === null) return;
  const n = gpusTaken(choice, hostGpuCount);
  if (n === null)
    throw new Refusal(
      `${tool} with gpus "${choice}": how many GPUs that takes is not known yet, and agents may use at most ${max} (agent.maxGpus) — pass gpus as "least-used:${max}" or a list such as "0"`,
    );
  if (n > max)
    throw new Refusal(
      `${tool} with gpus "${choice}" takes ${n} GPU(s); agents may use at most ${max} — pass fewer (e.g. "least-used:${max}"), or a person raises "agent": {"maxGpus": ${n}} in ${config.file}`,
    );
}

export function checkRuns(config: Config, tool: ActionTool, host: string, running: number): void {
  const max = config.agent.maxRuns;
  if (max === null) return;
  if (running >= max)
    throw new Refusal(
      `${tool}: ${running} run(s) already running on ${host}, and agents may start one only while fewer than ${max} run — stop one first (stop_run), or a person raises "agent": {"maxRuns": ${running + 1}} in ${config.file}`,
    );
}
