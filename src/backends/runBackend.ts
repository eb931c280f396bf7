/**
 * The run-backend seam. A run is the unit trainyard launches, lists, stops and restarts; a
 * backend is how a host holds runs: tmux sessions on an SSH host today (src/backends/tmux/),
 * jobs on a Slurm login node or entries of a sweep queue later. The actions only talk to this
 * interface, through a CommandExec that runs command values over the host's connection (and
 * prints them instead in a dry run), so a backend never needs the action machinery.
 */

import { type Activation, type LaunchScriptSpec, launchScript } from '../commands/runScript.js';
import type { LocalCommand, RemoteCommand } from '../commands/value.js';
import { type RunManifest, runFile } from '../runs/layout.js';
import type { Transport } from '../transport/types.js';

/** A remote command's result as an action sees it; `dry` when a dry run printed it instead. */
export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal?: string;
  dry?: boolean;
}

/** Runs a command value for a backend (the action's runCommand: dry runs, lost exit status, not-connected). */
export type CommandExec = (command: RemoteCommand, options?: { timeoutMs?: number }) => Promise<CommandResult>;

/** A CommandExec straight over a transport, for callers outside an action (the cockpit's log pane). */
export function transportExec(transport: Transport): CommandExec {
  return (command, options) => transport.exec(command, { stdin: command.stdin, timeoutMs: options?.timeoutMs });
}

/** running: alive now; exited: ended with a known status; stopped: the user stopped it; gone: no trace left but the manifest. */
export type RunState = 'running' | 'exited' | 'stopped' | 'gone';

export interface Run {
  /** The backend's handle for it: the tmux session name. */
  id: string;
  project: string;
  host: string;
  /** CUDA_VISIBLE_DEVICES, or null for every GPU. */
  gpus: string | null;
  /** Its own directory (<remoteDir>/<results>/<run>; the project directory for runs from before run directories). */
  runDir: string;
  /** Parameters it was launched with ({} for a plain launch). */
  params: Record<string, string>;
  manifest: RunManifest;
  state: RunState;
  /** From the exit marker, or what the backend kept. */
  exitCode: number | null;
  /** The user stopped it: never restarted automatically. */
  stoppedMarker: boolean;
  /** A Slurm run's job as the queue shows it (state and reason null once the queue forgot it). */
  slurm?: SlurmRunInfo;
}

export interface SlurmRunInfo {
  jobId: string;
  /** PENDING, RUNNING, TIMEOUT, … or null. */
  state: string | null;
  /** Why it is pending (Priority, Resources, …), or null. */
  reason: string | null;
  /** Seconds run, and the time limit in seconds (null: unlimited or unknown). */
  elapsed: number | null;
  limit: number | null;
}

/** What an action learns about a host before it acts: one read-only look. */
export interface HostSnapshot {
  home: string;
  /** The project directory, absolute. */
  remoteDir: string;
  remoteDirExists: boolean;
  /** Server clock, seconds. */
  now: number | null;
  /** Every run with a manifest on the host. */
  runs: Run[];
  /** Names a new run cannot take (tmux: every session, trainyard's or not). */
  takenNames: string[];
  /** Why the backend cannot run anything on this host, or null. */
  backendError: string | null;
}

/** Everything a backend needs to start one run. */
export interface LaunchRequest {
  host: string;
  id: string;
  project: string;
  home: string;
  remoteDir: string;
  /** Absolute log path, appended to. */
  log: string;
  /** The command line to run, resume arguments included (placeholders already references: src/runs/params.ts). */
  command: string;
  /** The run's directory, absolute (the script makes it); the command's cwd stays remoteDir. */
  runDir: string;
  /** Parameter values behind the command's {name} references. */
  params: Record<string, string>;
  env: Record<string, string>;
  activation: Activation;
  gpus: string | null;
  /** The secrets file the run sources, with the text to write there, or null. */
  secrets: { file: string; text: string; names: string[] } | null;
  /** Written next to the run (one line of JSON) before it starts. */
  manifest: RunManifest;
  /** Slurm: how many GPUs the job asks for (--gres=gpu:N; default 1). */
  gpuCount?: number;
  /** Slurm: the project's time limit and checkpoint signal. */
  slurm?: { time?: string; signalSeconds?: number };
}

export type LaunchResult =
  /** jobId: the Slurm job id, when the backend has one. */
  | { kind: 'started'; jobId?: string }
  | { kind: 'dry' }
  /** Another run or session already holds that name. */
  | { kind: 'name-taken' }
  /** The backend's program is not installed on the host. */
  | { kind: 'missing'; what: string }
  | { kind: 'failed'; code: number | null; output: string };

/** A run's liveness right now, as the backend holds it. */
export type LiveState = { kind: 'running' } | { kind: 'ended'; exitCode: number | null } | { kind: 'absent' };

/** Where a run's log is: its path, no log known for that run, or the question could not be answered. */
export type LogPathResult = { kind: 'found'; path: string } | { kind: 'none' } | { kind: 'unreadable'; why: string };

export type StopResult =
  | { kind: 'dry' }
  | { kind: 'stopped'; graceful: boolean }
  | { kind: 'not-found' }
  | { kind: 'failed'; code: number | null; output: string };

/** What removing ended runs' leftovers did, by id: removed, alive again (left alone) or not there. */
export type RemoveEndedResult =
  | { kind: 'dry' }
  | { kind: 'done'; removed: string[]; alive: string[]; missing: string[] }
  | { kind: 'failed'; code: number | null; output: string };

/** The server paths of a run's own files. */
export interface RunFiles {
  manifest: string;
  script: string;
  exit: string;
}

export interface RunBackend {
  /** 'tmux' (src/backends/tmux/) or 'slurm' (src/backends/slurm/). */
  readonly kind: string;
  /** One read-only look at the host: $HOME, the project directory, every run and its state. */
  inspect(exec: CommandExec, host: string, rawRemoteDir: string): Promise<HostSnapshot>;
  /** Why `id` cannot name a new run, or null. */
  nameProblem(id: string): string | null;
  /** The server paths of a run's files, given the server's $HOME. */
  files(home: string, id: string): RunFiles;
  /** The log path template a project uses when it sets none ("{session}" is the run id). */
  readonly defaultLogTemplate: string;
  launch(exec: CommandExec, request: LaunchRequest): Promise<LaunchResult>;
  /** The log of an existing run (read-only). */
  logPath(exec: CommandExec, host: string, id: string): Promise<LogPathResult>;
  /** Whether the run is alive now, and its exit status once it ended (read-only). */
  liveState(exec: CommandExec, host: string, id: string): Promise<LiveState>;
  /** Stops a run: marks it stopped (no automatic restart), asks it to end, ends it after the grace time. */
  stop(exec: CommandExec, host: string, id: string, graceSeconds: number): Promise<StopResult>;
  /**
   * Removes what the backend keeps of ended runs (tmux: the dead session) so they leave the list;
   * a run alive again is never touched; logs and manifests stay. markStopped: never restarted
   * automatically. Absent where ended runs leave nothing behind.
   */
  removeEnded?(
    exec: CommandExec,
    host: string,
    ids: readonly string[],
    markStopped: boolean,
  ): Promise<RemoveEndedResult>;
  /** The local command that hands this terminal to the run (here) or opens it in a new local tmux window. */
  attachCommand(sshConfig: string, host: string, id: string, where: 'here' | 'new-window'): LocalCommand;
}

/** A host that cannot be looked at, in words (what failed, what to do). */
export class RunBackendError extends Error {
  constructor(
    message: string,
    readonly hint: string | null,
  ) {
    super(message);
    this.name = 'RunBackendError';
  }
}

/** ~, ~/x, /abs, or relative to $HOME — the same rules as the host probe's shell `case`. */
export function resolveRemoteDir(raw: string, home: string): string {
  let d: string;
  if (raw === '~') d = home;
  else if (raw.startsWith('~/')) d = `${home}/${raw.slice(2)}`;
  else if (raw.startsWith('/')) d = raw;
  else d = `${home}/${raw}`;
  return d.length > 1 ? d.replace(/\/+$/, '') : d;
}

/** Runs of a project that are alive now (their outputs must not be touched). */
export function liveRunsOf(snapshot: HostSnapshot, project: string): Run[] {
  return snapshot.runs.filter((r) => r.manifest.project === project && r.state === 'running');
}

/**
 * The script a launch request runs, whichever backend holds the run. `gpus` is what the script
 * exports as CUDA_VISIBLE_DEVICES: the request's choice (tmux), null where the scheduler sets it
 * (Slurm), or GPUS_FROM_WATCHDOG for a queued run.
 */
export function launchScriptFor(q: LaunchRequest, gpus: LaunchScriptSpec['gpus']): string {
  return launchScript({
    remoteDir: q.remoteDir,
    env: q.env,
    secretsFile: q.secrets?.file ?? null,
    activation: q.activation,
    gpus,
    session: q.id,
    project: q.project,
    log: q.log,
    exitFile: runFile(q.home, q.id, 'exit'),
    command: q.command,
    checkpoint: q.manifest.resumedFrom,
    runDir: q.runDir,
    params: q.params,
  });
}
