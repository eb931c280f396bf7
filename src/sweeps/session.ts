/**
 * What a sweep command needs from whoever runs it (the CLI, the cockpit, the MCP server): the
 * hosts' connections, a way to say things and to ask once, and the flags. The per-run launches
 * go through the action runner (the same launch action as `trainyard launch`).
 */

import { runCommand } from '../actions/execute.js';
import { ActionRunner, type RunnerEvent } from '../actions/runner.js';
import type { ActionId, ActionParams, OutputKind, Verdict } from '../actions/types.js';
import type { CommandExec, RunBackend } from '../backends/runBackend.js';
import { backendForHost } from '../backends/select.js';
import type { RemoteCommand } from '../commands/value.js';
import type { Config } from '../config/types.js';
import type { Transport } from '../transport/types.js';

export interface SweepSession {
  config: Config;
  /** The host's transport; rejects when the host cannot be reached. */
  transportFor(host: string): Promise<Transport>;
  backendFor?(host: string): RunBackend;
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  dryRun: boolean;
  /** Every question answered yes (--yes). */
  assumeYes: boolean;
  signal?: AbortSignal;
  /** Who starts the runs: the user (CLI, cockpit) or an agent (MCP). */
  by?: 'user' | 'agent';
  output(line: string, kind?: OutputKind): void;
  /** Asked once before anything changes (not with assumeYes or in a dry run). */
  confirm(message: string, details: string[], destructive: boolean): Promise<boolean>;
}

const NEVER = new AbortController().signal;

/** The host's run backend: the session's choice, else the config's or the detected one (tmux or Slurm). */
export async function backendOf(s: SweepSession, host: string): Promise<RunBackend> {
  if (s.backendFor) return s.backendFor(host);
  return backendForHost(s.config, host, await s.transportFor(host));
}

/** A CommandExec on a host with the dry-run rules of the actions: read-only commands run, others print. */
export async function hostExec(s: SweepSession, host: string): Promise<CommandExec> {
  const transport = await s.transportFor(host);
  const io = { transport, dryRun: s.dryRun, signal: s.signal ?? NEVER, output: s.output };
  return (command: RemoteCommand, opts) => runCommand(io, command, opts);
}

/** Asks once, unless --yes (yes) or a dry run (goes on, to show what would follow). */
export async function askOnce(
  s: SweepSession,
  message: string,
  details: string[],
  destructive: boolean,
): Promise<boolean> {
  if (s.assumeYes) {
    s.output(`${message} — yes (--yes)`, 'warn');
    return true;
  }
  if (s.dryRun) {
    s.output(`would ask: ${message} — taken as yes for the dry run`, 'warn');
    return true;
  }
  return s.confirm(message, details, destructive);
}

/**
 * Runs one action (launch, stop) on a host through the action runner, already confirmed: the
 * sweep asked once for all of its runs. Lines of kind `quiet` are left out (the sweep says it
 * its own way).
 */
export async function runAction(
  s: SweepSession,
  action: ActionId,
  target: { host: string; project?: string | null; session?: string | null; params?: ActionParams },
  opts: { backend?: RunBackend; quiet?: OutputKind[] } = {},
): Promise<Verdict> {
  const runner = new ActionRunner({
    config: s.config,
    dataDir: s.dataDir,
    env: s.env,
    transportFor: (host) => s.transportFor(host),
    backendFor: (host) => opts.backend ?? backendOf(s, host),
    answerer: async (q) => (q.kind === 'confirm' ? true : q.defaultValue),
    onEvent: (e: RunnerEvent) => {
      if (e.type === 'line' && !(opts.quiet ?? []).includes(e.kind)) s.output(e.text, e.kind);
    },
  });
  const onAbort = () => runner.cancelAll();
  s.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await runner.start(action, target, { dryRun: s.dryRun }).done;
  } finally {
    s.signal?.removeEventListener('abort', onAbort);
  }
}
