/**
 * The bash text that runs a project's command on a server: in the remote directory, with the
 * project's environment, secrets sourced from a 0600 file, and conda or a venv activated. The
 * smoke test runs it in the foreground; a launch writes it to .trainyard/runs/<session>.sh for tmux.
 * Every value is a shQuote'd literal; the user's command is evaluated exactly once, by eval.
 */
import { runScriptHeader, SMOKE_DIR } from '../runs/layout.js';
import { paramLines, runLineageLines } from '../runs/params.js';
import { shQuote } from '../shell/quote.js';

export type Activation = { kind: 'none' } | { kind: 'conda'; env: string } | { kind: 'venv'; path: string };

export interface RunEnvironment {
  /** Absolute directory on the server. */
  remoteDir: string;
  /** Non-secret variables, exported as literals. */
  env: Record<string, string>;
  /** Absolute path of the secrets file to source, or null. */
  secretsFile: string | null;
  activation: Activation;
  /** CUDA_VISIBLE_DEVICES, null to leave every GPU visible, or GPUS_FROM_WATCHDOG for a queued run. */
  gpus: string | null | typeof GPUS_FROM_WATCHDOG;
}

/**
 * A queued run's GPUs are known only when the watchdog starts it: the script reads them from
 * "$ty_gpus", which the watchdog sets right below RUN_SCRIPT_MARKER (so a restart, which copies
 * the script from the marker on, keeps them). Unset, the run refuses to start on every GPU.
 */
export const GPUS_FROM_WATCHDOG = { assignedBy: 'watchdog' } as const;

/** Where conda usually lives when it is not on a non-interactive shell's PATH. */
export const CONDA_LOCATIONS = [
  '$HOME/miniconda3',
  '$HOME/anaconda3',
  '$HOME/miniforge3',
  '$HOME/mambaforge',
  '$HOME/.conda',
  '/opt/conda',
  '/opt/miniconda3',
  '/opt/anaconda3',
  '/opt/miniforge3',
  '/usr/local/miniconda3',
  '/usr/local/anaconda3',
];

/** The run script could not enter the project directory (not synced yet). */
export const EXIT_NO_REMOTE_DIR = 66;
/** conda (or another program the script needs) is not on the host: what a shell answers for a missing command. */
export const EXIT_NOT_FOUND = 127;

const fail = (code: number, message: string) => `{ printf 'trainyard: %s\\n' ${shQuote(message)} >&2; exit ${code}; }`;

/**
 * conda through its shell hook: a bare `conda activate` fails in a non-interactive shell
 * because ~/.bashrc (where `conda init` put the hook) returns early there.
 */
function condaLines(env: string): string[] {
  return [
    'ty_conda=$(command -v conda 2>/dev/null || true)',
    '[ -z "$ty_conda" ] && [ -n "${CONDA_EXE:-}" ] && ty_conda=$CONDA_EXE',
    `for ty_p in ${CONDA_LOCATIONS.map((p) => (p.startsWith('$HOME/') ? `"$HOME"/${shQuote(p.slice(6))}` : shQuote(p))).join(' ')}; do`,
    '  [ -z "$ty_conda" ] && [ -x "$ty_p/bin/conda" ] && ty_conda=$ty_p/bin/conda',
    'done',
    `[ -n "$ty_conda" ] || ${fail(EXIT_NOT_FOUND, `conda not found on this host (PATH, $CONDA_EXE, ~/miniconda3, ~/anaconda3, ~/miniforge3, /opt/conda) — install it there or use "venv" instead of "conda"`)}`,
    `ty_hook=$("$ty_conda" shell.bash hook) || ${fail(1, 'conda shell.bash hook failed')}`,
    'eval "$ty_hook"',
    `conda activate ${shQuote(env)} || ${fail(1, `conda activate ${env} failed — check the environment exists on this host: conda env list`)}`,
  ];
}

/** A server path as a shell word: "~/x" becomes "$HOME"/'x', anything else a quoted literal. */
export function remotePathWord(p: string): string {
  if (p === '~') return '"$HOME"';
  if (p.startsWith('~/')) return `"$HOME"/${shQuote(p.slice(2))}`;
  return shQuote(p);
}

function venvLines(venv: string): string[] {
  const activate = remotePathWord(`${venv.replace(/\/+$/, '')}/bin/activate`);
  return [
    `[ -f ${activate} ] || ${fail(1, `no virtualenv at ${venv} (looked for bin/activate, relative to the remote directory) — create it or fix "venv"`)}`,
    `. ${activate}`,
  ];
}

/** cd, secrets, variables, GPUs and activation: the lines every run starts with. */
export function preludeLines(spec: RunEnvironment): string[] {
  const lines = [
    `cd -- ${shQuote(spec.remoteDir)} || ${fail(EXIT_NO_REMOTE_DIR, `cannot enter ${spec.remoteDir} on this host — sync the project first`)}`,
  ];
  if (spec.secretsFile !== null) {
    lines.push(
      `[ -r ${shQuote(spec.secretsFile)} ] || ${fail(1, `secrets file ${spec.secretsFile} is missing`)}`,
      // set -a exports what the file assigns; the values never appear on any command line
      `set -a; . ${shQuote(spec.secretsFile)}; set +a`,
    );
  }
  if (!('PYTHONUNBUFFERED' in spec.env)) lines.push('export PYTHONUNBUFFERED=1');
  for (const [name, value] of Object.entries(spec.env)) lines.push(`export ${name}=${shQuote(value)}`);
  if (typeof spec.gpus === 'object' && spec.gpus !== null)
    lines.push(
      `[ -n "\${ty_gpus:-}" ] || ${fail(1, 'no GPUs assigned ($ty_gpus is unset): a queued run is started by the watchdog')}`,
      'export CUDA_VISIBLE_DEVICES="$ty_gpus"',
    );
  else if (spec.gpus !== null) lines.push(`export CUDA_VISIBLE_DEVICES=${shQuote(spec.gpus)}`);
  if (spec.activation.kind === 'conda') lines.push(...condaLines(spec.activation.env));
  if (spec.activation.kind === 'venv') lines.push(...venvLines(spec.activation.path));
  return lines;
}

/**
 * The smoke test: runs in the foreground over an exec channel. The command runs in the
 * background of this shell so the TERM that dieWithChannel sends when the channel closes is
 * handled at once, and handed to the whole process group: python and its data-loader workers
 * die too, not only this shell. Its run directory is a fresh scratch directory under
 * ~/.trainyard/smoke (TRAINYARD_RUN_DIR, {run_dir}), removed at the end, so nothing the smoke
 * test writes is ever taken for a run's results.
 */
export function smokeScript(
  spec: RunEnvironment,
  command: string,
  run: { slug: string; params: Record<string, string> },
): string {
  return [
    ...preludeLines(spec),
    `mkdir -p -- "$HOME"/${SMOKE_DIR} && ty_run_dir=$(mktemp -d "$HOME"/${SMOKE_DIR}/${shQuote(`${run.slug}.XXXXXX`)}) || ${fail(1, `cannot make a scratch directory in ~/${SMOKE_DIR}`)}`,
    'ty_session=smoke',
    ...paramLines(run.params),
    'trap \'trap - TERM INT HUP; rm -rf -- "$ty_run_dir"; kill -TERM 0 2>/dev/null; exit 143\' TERM INT HUP',
    `eval ${shQuote(command)} &`,
    'wait "$!"',
    'ty_status=$?',
    'rm -rf -- "$ty_run_dir"',
    'exit "$ty_status"',
    '',
  ].join('\n');
}

export interface LaunchScriptSpec extends RunEnvironment {
  session: string;
  project: string;
  /** Absolute log path (appended to). */
  log: string;
  /** Absolute path of the .exit marker. */
  exitFile: string;
  /** The command line to run (with resume arguments already in it). */
  command: string;
  /** The checkpoint a resumed run starts from: the command refers to it as "$ty_checkpoint". */
  checkpoint?: string | null;
  /** The run's directory (absolute, made by the script) and its parameters. */
  runDir: string;
  params: Record<string, string>;
}

/**
 * The script a tmux session runs. Output goes to the pane and is appended to the log (tee -i
 * keeps tee alive through Ctrl-C so the last lines still reach the log); the exit code is left
 * in the .exit marker. The INT trap keeps this shell alive after a Ctrl-C to write it. Below
 * RUN_SCRIPT_MARKER the run is named only through $ty_session/$ty_log/$ty_exit/$ty_command, so
 * the watchdog can restart it with a new header (src/runs/layout.ts).
 */
export function launchScript(spec: LaunchScriptSpec): string {
  return [
    '#!/usr/bin/env bash',
    `# trainyard run ${JSON.stringify(spec.session)} of project ${JSON.stringify(spec.project)} (written by trainyard; see src/runs/layout.ts)`,
    ...runScriptHeader({
      session: spec.session,
      log: spec.log,
      exitFile: spec.exitFile,
      command: spec.command,
      checkpoint: spec.checkpoint,
    }),
    ...runLineageLines(spec),
    'mkdir -p -- "$(dirname -- "$ty_log")"',
    "trap 'ty_interrupted=1' INT",
    `printf '[trainyard] %s start %s on %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$ty_session" "$(hostname)" >> "$ty_log"`,
    '{',
    ...preludeLines(spec).map((l) => `  ${l}`),
    `  mkdir -p -- "$ty_run_dir" || ${fail(1, 'cannot make the run directory')}`,
    '  eval "$ty_command"',
    '} 2>&1 | tee -i -a -- "$ty_log"',
    'ty_status=${PIPESTATUS[0]}',
    'printf \'%s\\n\' "$ty_status" > "$ty_exit"',
    'printf \'[trainyard] %s exit %s\\n\' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$ty_status" >> "$ty_log"',
    'exit "$ty_status"',
    '',
  ].join('\n');
}
