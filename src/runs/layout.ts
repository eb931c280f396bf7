/**
 * Where trainyard keeps its files on a server. The launch action writes these, the watchdog
 * reads them, and the cockpit reads what the watchdog writes. Paths are relative to the login
 * user's $HOME, so remote commands write them as "$HOME/.trainyard/..." (never ~ inside quotes).
 *
 *   .trainyard/runs/<session>.json      run manifest (RunManifest below), written at launch
 *   .trainyard/runs/<session>.sh        the bash script the tmux session runs
 *   .trainyard/runs/<session>.log       the run's output (default; a project's "log" template may put it elsewhere)
 *   .trainyard/runs/<session>.exit      the command's exit code, written by that script when it ends
 *   .trainyard/runs/<session>.stopped   present when the user stopped the run: never auto-restarted
 *   .trainyard/runs/<session>.machine   the machine key of the server that started it (below)
 *   .trainyard/secrets/<project>.env    0600 KEY=value lines sourced by launch scripts
 *   .trainyard/smoke/<project>.XXXXXX/  a smoke test's scratch run directory, removed when it ends
 *   .trainyard/watchdog/<machine>/      watchdog.sh, config, summary.json, events.jsonl, its state
 *
 * Homes are often shared over NFS between the servers of a cluster, so everything that belongs to
 * one server is keyed by its machine key: its hostname (uname -n) made a safe file name. A run
 * whose .machine names another server is that server's: its watchdog watches it, and the launch
 * action does not list it here. A run without .machine (written before there were keys) counts
 * as every server's.
 *
 * A manifest is one line of JSON (no newline inside), so `cat` of several stays line-parseable.
 * <project> in a file name is projectFileSlug(project), which keeps any project name a safe file name.
 */
import { shQuote } from '../shell/quote.js';

export const REMOTE_HOME_DIR = '.trainyard';
export const RUNS_DIR = `${REMOTE_HOME_DIR}/runs`;
export const SECRETS_DIR = `${REMOTE_HOME_DIR}/secrets`;
export const WATCHDOG_DIR = `${REMOTE_HOME_DIR}/watchdog`;
/** The server-side queue: one folder per machine key, one entry folder per queued run. */
export const QUEUE_DIR = `${REMOTE_HOME_DIR}/queue`;
export const WATCHDOG_SESSION = 'trainyard-watchdog';
export const SMOKE_DIR = `${REMOTE_HOME_DIR}/smoke`;

/**
 * POSIX sh that sets $machine to this server's machine key: uname -n with every character outside
 * [A-Za-z0-9._-] as "_", and "_" in front of an empty or dot-leading name.
 */
export const MACHINE_KEY_SH = `machine=$(uname -n 2>/dev/null); machine=$(printf '%s' "$machine" | tr -c 'A-Za-z0-9._-' '_'); case $machine in '' | .*) machine=_$machine ;; esac`;

/** The machine key MACHINE_KEY_SH computes, for a hostname (tests and the local side). */
export function machineKey(hostname: string): string {
  const key = [...new TextEncoder().encode(hostname)]
    .map((b) => (/[A-Za-z0-9._-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '_'))
    .join('');
  return key === '' || key.startsWith('.') ? `_${key}` : key;
}

/** Log template used when a project sets no "log": relative to $HOME, next to the manifest. */
export const DEFAULT_LOG_TEMPLATE = `~/${RUNS_DIR}/{session}.log`;

export type RunFileKind = 'json' | 'sh' | 'log' | 'exit' | 'stopped' | 'machine';

/** Absolute path of one of a run's files, given the server's $HOME. */
export function runFile(home: string, session: string, kind: RunFileKind): string {
  return `${home}/${RUNS_DIR}/${session}.${kind}`;
}

/** Absolute path of a project's secrets file, given the server's $HOME. */
export function secretsFile(home: string, project: string): string {
  return `${home}/${SECRETS_DIR}/${projectFileSlug(project)}.env`;
}

/**
 * A project name as a file name: unchanged when it is plain ([A-Za-z0-9_.-], not starting with
 * a dot), otherwise the plain characters plus a short hash so two odd names never collide.
 */
export function projectFileSlug(project: string): string {
  if (/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/.test(project)) return project;
  let h = 0x811c9dc5; // FNV-1a: tiny, stable, and the watchdog can mirror it in a few lines
  for (const byte of new TextEncoder().encode(project)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  const plain = project.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40);
  return `${plain}-${h.toString(16).padStart(8, '0')}`;
}

/**
 * Launch script layout, shared by launchScript() (src/commands/runScript.ts) and the watchdog's
 * automatic restart (src/watchdog/sh/restart.sh, src/watchdog/awk/restart.awk): above RUN_SCRIPT_MARKER only the shebang,
 * comments and runScriptHeader()'s assignments; from the marker on, the script names the run
 * only through "$ty_session", "$ty_log", "$ty_exit" and "$ty_command" (e.g. eval "$ty_command"),
 * and the command may refer to "$ty_checkpoint". Right below the marker come the lines of the
 * run's lineage (runLineageLines() in src/runs/params.ts: ty_run_dir, the parameters as ty_p_*,
 * the TRAINYARD_* exports), so a restart keeps its parent's run directory and parameters.
 * A restart then writes new assignments above a copy of the parent's script from the marker on.
 *
 * What the watchdog does on an automatic restart, mirroring src/runs/restart.ts and the
 * launch action: checkpoint = newestCheckpoint() of manifest.checkpoints in the run's runDir
 * (last integer of the base name, then mtime, then path; runDir/path when the manifest has a
 * runDir of its own, else the path relative to remoteDir as older manifests had it); command = buildResumeCommand(command,
 * resume, checkpoint); session = defaultSessionName(project) (base + "-" + 4 hex digits); log =
 * the parent's log with every occurrence of the parent session replaced by the new one; exit
 * file = runFile(home, session, 'exit'); manifest = the parent's (every field kept, one line)
 * with session, log, script, startedAt, parent, resumedFrom, effectiveCommand, writer replaced
 * and restartCount + 1; started like launchCommand(): new-session -d -s S -- bash <script>
 * \; set-option -t =S: remain-on-exit on.
 */
export const RUN_SCRIPT_MARKER = '# --- trainyard: run-independent part below ---';

/**
 * The run-specific lines of a launch script, ending with RUN_SCRIPT_MARKER. A resumed run's
 * checkpoint is a variable of its own: the command refers to it as "$ty_checkpoint"
 * (src/runs/resumeTemplate.ts), so the path is never part of the text that is evaluated.
 */
export function runScriptHeader(run: {
  session: string;
  log: string;
  exitFile: string;
  command: string;
  checkpoint?: string | null;
}): string[] {
  const checkpoint = run.checkpoint != null ? [`ty_checkpoint=${shQuote(run.checkpoint)}`] : [];
  return [
    `ty_session=${shQuote(run.session)}`,
    `ty_log=${shQuote(run.log)}`,
    `ty_exit=${shQuote(run.exitFile)}`,
    ...checkpoint,
    `ty_command=${shQuote(run.command)}`,
    RUN_SCRIPT_MARKER,
  ];
}

export interface RunManifest {
  session: string;
  project: string;
  host: string;
  /** Absolute remote project directory. */
  remoteDir: string;
  /** Absolute path of the log the run appends to. */
  log: string;
  /**
   * The training command as configured, its placeholders as references to the run's variables
   * ("${ty_p_lr}", "${ty_run_dir}": src/runs/params.ts); without secrets and resume arguments.
   */
  command: string;
  /** Resume template, e.g. "--resume {checkpoint}", or null. */
  resume: string | null;
  /** Checkpoint glob relative to runDir, e.g. "checkpoint-*" (relative to remoteDir in manifests without runDir), or null. */
  checkpoints: string | null;
  /** CUDA_VISIBLE_DEVICES value, or null for all GPUs. */
  gpus: string | null;
  /** ISO 8601. */
  startedAt: string;
  /** Session this run was restarted from, or null. */
  parent: string | null;
  /** Checkpoint it resumed from, or null. */
  resumedFrom: string | null;
  configHash: string;
  git: { commit: string | null; dirty: boolean; diffHash: string | null };
  autoRestart: { enabled: boolean; max: number; backoffSeconds: number };
  /** How many automatic restarts led to this run (0 for a launch by hand). */
  restartCount: number;
  /** Who restarted it from its parent: the watchdog (automatic) or the user (R, trainyard restart); absent for a launch. */
  restartedBy?: 'watchdog' | 'user';
  /** The command line that really ran: command plus the resume arguments (see src/runs/restart.ts). */
  effectiveCommand?: string;
  /** Results directory relative to remoteDir (never deleted by a sync while the run is alive), or null. */
  results?: string | null;
  /** The launch script, absolute (runFile(home, session, 'sh')). */
  script?: string;
  /** The secrets file the script sources, absolute, or null when the project has no secrets. */
  secretsFile?: string | null;
  /** The project's local directory on the machine that launched it. */
  localDir?: string;
  /** Which trainyard wrote it. */
  writer?: string;
  /**
   * The run's own directory, absolute: <remoteDir>/<results>/<first run of the lineage>. A
   * restart keeps its parent's. parseRunManifest() fills in remoteDir for manifests without it.
   */
  runDir?: string;
  /** The parameters ({name} placeholders, TRAINYARD_PARAMS); {} when none. */
  params?: Record<string, string>;
  /** The sweep the run belongs to, or null. */
  sweep?: string | null;
  /** Who started it: a person, an agent over MCP, or the watchdog's queue runner; absent in older runs. */
  by?: 'user' | 'agent' | 'queue';
}
