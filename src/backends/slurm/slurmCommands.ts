/**
 * The commands the Slurm backend runs on a login node. Like the tmux backend's, each is a fixed
 * bash script run as `bash -c SCRIPT NAME ARG…`: values only ever arrive as positional parameters
 * or on stdin, never in the script text. A Slurm run keeps the tmux run's files in
 * ~/.trainyard/runs (manifest, script, exit, stopped) plus:
 *   <run>.sbatch   the batch script sbatch got (#SBATCH lines, then it runs <run>.sh)
 *   <run>.jobid    the job id sbatch answered
 *   <run>.machine  "slurm": the tmux backend of a server sharing this home never lists it
 */
import { field, section } from '../../commands/sectioned.js';
import { bashScriptArgv, type RemoteCommand, stdinLine } from '../../commands/value.js';
import { SACCT_ARGS } from '../../parsers/slurm.js';
import { MACHINE_KEY_SH, RUNS_DIR, runFile } from '../../runs/layout.js';
import { shQuote } from '../../shell/quote.js';
import { GUARD_SUBMIT_SCRIPT, WRITE_GUARD_AND_SECRETS_SH } from './restartGuard.js';

/** launchCommand: a job of that name is pending or running. */
export const EXIT_JOB_NAME_TAKEN = 17;
/** stopCommand: no pending or running job of that name. */
export const EXIT_NO_SUCH_JOB = 3;
/** What a shell answers for a program it cannot find (sbatch not installed). */
export const EXIT_COMMAND_NOT_FOUND = 127;
/** The value of <run>.machine for a Slurm run. */
export const SLURM_MACHINE = 'slurm';

export function sacctCommand(host: string, jobIds: string[]): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: `ask Slurm's accounting how job ${jobIds.join(', ')} ended`,
    readOnly: true,
    argv: ['sacct', ...SACCT_ARGS, '-j', jobIds.join(',')],
  };
}

/** What doctor checks on a Slurm host: each client command present, and whether it answers. */
export function slurmDoctorCommand(host: string): RemoteCommand {
  const check = (name: string, cmd: string) =>
    `if command -v ${name} >/dev/null 2>&1; then ${section(name, cmd)}; else ${field(name, 'missing')}; fi`;
  return {
    where: 'remote',
    host,
    purpose: 'check the Slurm client commands: sbatch, squeue, sinfo, sacct, scancel, srun',
    readOnly: true,
    argv: bashScriptArgv('trainyard-slurm-doctor', [
      check('sbatch', 'sbatch --version'),
      check('squeue', 'squeue --me -h -o %i | head -n 1'),
      check('sinfo', 'sinfo -h -o %P | head -n 1'),
      check('sacct', 'sacct -n -X -j 1 -o JobID'),
      check('scancel', 'scancel --version'),
      check('srun', 'srun --version'),
      field('end'),
    ]),
  };
}

/**
 * One read-only look at a login node before an action: $HOME, the project directory, the clock,
 * whether sbatch is there, and every Slurm run's manifest with its job id and markers.
 */
export function slurmProbeCommand(host: string, rawRemoteDir: string): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: 'look at the login node: $HOME, the project directory, Slurm run manifests',
    readOnly: true,
    argv: bashScriptArgv(
      'trainyard-slurm-probe',
      [
        'd=$1',
        'case $d in "~") d=$HOME ;; "~/"*) d=$HOME/${d#"~/"} ;; /*) ;; *) d=$HOME/$d ;; esac',
        field('home', '"$HOME"'),
        `if [ -d "$d" ]; then ${field('direxists', '1')}; else ${field('direxists', '0')}; fi`,
        field('now', '"$(date +%s)"'),
        `if command -v sbatch >/dev/null 2>&1; then ${field('sbatch', '1')}; else ${field('sbatch', '0')}; fi`,
        `for f in "$HOME"/${RUNS_DIR}/*.jobid; do`,
        '  [ -f "$f" ] || continue',
        '  b=${f%.jobid}',
        '  [ -f "$b.json" ] || continue',
        '  printf \'@@manifest job=%s\' "$(head -c 32 -- "$f" | tr -dc \'0-9_\')"',
        '  [ -f "$b.exit" ] && printf \' exit=%s\' "$(head -c 16 -- "$b.exit" | tr -dc 0-9)"',
        '  [ -e "$b.stopped" ] && printf \' stopped\'',
        "  printf '\\n'; head -c 1000000 -- \"$b.json\"; printf '\\n'",
        'done',
        field('end'),
      ],
      rawRemoteDir,
    ),
  };
}

export interface SbatchOptions {
  jobName: string;
  /** The run's log: the job's output file, appended to. */
  output: string;
  partition?: string;
  account?: string;
  qos?: string;
  /** --gres=gpu:N; 0 asks for no GPU. */
  gpus: number;
  /** sbatch --time, or undefined for the partition's default. */
  time?: string;
  /** SIGUSR1 this many seconds before the limit (passed on to the program), or undefined for none. */
  signalSeconds?: number;
  /**
   * The run script to start (absolute), or for a job array the task file that names each task's
   * run (line i+1: the run of task i) and the directory of the runs' scripts.
   */
  runScript: string | { tasksFile: string; runsDir: string };
  /** --dependency value, e.g. afterok:12. */
  dependency?: string;
  /** --array value, e.g. 0-3%2. */
  array?: string;
}

/** A "#SBATCH" value: Slurm reads the line up to its end, so a newline must never get in. */
function sbatchLine(option: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`the Slurm ${option} value contains a line break`);
  return `#SBATCH ${option}=${value}`;
}

/** A job array's task reads its run from the task file: a name, never shell text. */
function scriptLines(runScript: SbatchOptions['runScript']): string[] {
  if (typeof runScript === 'string') return [`ty_script=${shQuote(runScript)}`];
  return [
    `ty_run=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" -- ${shQuote(runScript.tasksFile)})`,
    'case $ty_run in',
    `  '' | [.+-]* | *[!A-Za-z0-9_.+-]*) echo "trainyard: array task $SLURM_ARRAY_TASK_ID has no run in ${runScript.tasksFile.replace(/[^A-Za-z0-9_./~-]/g, '?')}" >&2; exit 1 ;;`,
    'esac',
    `ty_script=${shQuote(runScript.runsDir)}/"$ty_run".sh`,
  ];
}

/**
 * The batch script: #SBATCH lines, then the run script in its own process group with its output
 * left to the run script's own log (it appends there itself). SIGUSR1 before the time limit
 * (--signal=B:USR1) reaches the batch shell only, so it is passed on to the training program —
 * every process of the run's group except the shells and tee of the run script.
 */
export function sbatchScript(o: SbatchOptions): string {
  return [
    '#!/bin/bash',
    sbatchLine('--job-name', o.jobName),
    sbatchLine('--output', o.output),
    '#SBATCH --open-mode=append',
    ...(o.partition ? [sbatchLine('--partition', o.partition)] : []),
    ...(o.account ? [sbatchLine('--account', o.account)] : []),
    ...(o.qos ? [sbatchLine('--qos', o.qos)] : []),
    ...(o.gpus > 0 ? [`#SBATCH --gres=gpu:${Math.floor(o.gpus)}`] : []),
    ...(o.time ? [sbatchLine('--time', o.time)] : []),
    ...(o.signalSeconds ? [`#SBATCH --signal=B:USR1@${Math.floor(o.signalSeconds)}`] : []),
    ...(o.dependency ? [sbatchLine('--dependency', o.dependency)] : []),
    ...(o.array ? [sbatchLine('--array', o.array)] : []),
    ...scriptLines(o.runScript),
    'setsid bash "$ty_script" > /dev/null 2>&1 < /dev/null &',
    'ty_child=$!',
    'ty_forward() {',
    '  for p in $(pgrep -g "$ty_child" 2>/dev/null); do',
    '    case $(cat "/proc/$p/comm" 2>/dev/null) in bash | tee) ;; *) kill -USR1 "$p" 2>/dev/null ;; esac',
    '  done',
    '}',
    "trap 'ty_forward' USR1",
    'trap \'kill -TERM -- -"$ty_child" 2>/dev/null\' TERM',
    // wait returns early when a trapped signal arrives: keep waiting until the run script ends
    'while kill -0 "$ty_child" 2>/dev/null; do wait "$ty_child"; ty_status=$?; done',
    'exit "${ty_status:-0}"',
    '',
  ].join('\n');
}

export interface SlurmLaunchPayload {
  id: string;
  home: string;
  manifestJson: string;
  scriptText: string;
  sbatchText: string;
  /** The restart guard and the script that submits it (restartGuard.ts), rewritten at every launch. */
  guardText: string;
  guardSubmitText: string;
  secrets: { file: string; text: string; names: string[] } | null;
}

/**
 * Writes the manifest, the run script, the batch script and the secrets, then submits the batch
 * script and records the job id. Refuses (EXIT_JOB_NAME_TAKEN) while a job of that name is
 * pending or running. Prints the field "jobid N".
 */
export function slurmLaunchCommand(host: string, p: SlurmLaunchPayload): RemoteCommand {
  const runs = `${p.home}/${RUNS_DIR}`;
  return {
    where: 'remote',
    host,
    purpose: `write the run manifest and scripts, submit Slurm job ${JSON.stringify(p.id)} with sbatch`,
    argv: bashScriptArgv(
      'trainyard-slurm-launch',
      [
        'set -e',
        'umask 077',
        's=$1; runs=$2; secrets=$3',
        `command -v sbatch >/dev/null 2>&1 || { echo 'trainyard: sbatch is not on PATH on this host' >&2; exit ${EXIT_COMMAND_NOT_FOUND}; }`,
        'if [ -n "$(squeue --me -h -t PD,R,CG,S,CF,RQ -n "$s" -o %i 2>/dev/null)" ]; then',
        `  printf 'trainyard: a Slurm job named %s is pending or running — pick another name\\n' "$s" >&2; exit ${EXIT_JOB_NAME_TAKEN}`,
        'fi',
        'mkdir -p -- "$runs"',
        'IFS= read -r ty_m; IFS= read -r ty_s; IFS= read -r ty_b; IFS= read -r ty_g; IFS= read -r ty_gs; IFS= read -r ty_k || true',
        MACHINE_KEY_SH,
        `printf '%s\\n' ${SLURM_MACHINE} > "$runs/$s.machine"`,
        'rm -f -- "$runs/$s.exit" "$runs/$s.stopped" "$runs/$s.jobid"',
        'printf %s "$ty_m" | base64 -d > "$runs/$s.json.tmp"; mv -f -- "$runs/$s.json.tmp" "$runs/$s.json"',
        'printf %s "$ty_s" | base64 -d > "$runs/$s.sh"',
        'printf %s "$ty_b" | base64 -d > "$runs/$s.sbatch"',
        ...WRITE_GUARD_AND_SECRETS_SH,
        'set +e',
        'out=$(sbatch --parsable -- "$runs/$s.sbatch" 2>&1); code=$?',
        'set -e',
        'if [ "$code" -ne 0 ]; then printf \'%s\\n\' "$out" >&2; exit "$code"; fi',
        'job=${out%%;*}',
        'printf \'%s\\n\' "$job" > "$runs/$s.jobid"',
        field('jobid', '"$job"'),
        // the guard that reports a bad end and restarts (restartGuard.ts); a refused guard does not undo the launch
        `guard=$(bash "$HOME"/${GUARD_SUBMIT_SCRIPT} "$s" "$machine" "$job" 2>&1) && ${field('guard', '"${guard%%;*}"')} || ${field('guard-refused', '"$(printf %s "$guard" | head -n 1)"')}`,
      ],
      p.id,
      runs,
      p.secrets?.file ?? '',
    ),
    stdin: `${[stdinLine(p.manifestJson), stdinLine(p.scriptText), stdinLine(p.sbatchText), stdinLine(p.guardText), stdinLine(p.guardSubmitText), p.secrets ? stdinLine(p.secrets.text) : ''].join('\n')}\n`,
    stdinLabel: `the manifest, the run script and the batch script (below)${p.secrets ? `, then ${p.secrets.names.length} secret variable(s) ${p.secrets.names.join(', ')} — values not shown` : ''}, each base64 on one line`,
    attachments: [
      { title: `manifest ${runFile(p.home, p.id, 'json')}`, text: p.manifestJson },
      { title: `run script ${runFile(p.home, p.id, 'sh')}`, text: p.scriptText },
      { title: `batch script ${p.home}/${RUNS_DIR}/${p.id}.sbatch`, text: p.sbatchText },
    ],
  };
}

/**
 * Stops a run's job: writes the .stopped marker first (no automatic restart of what the user
 * stopped), then scancel of every pending or running job of that name (Slurm sends SIGTERM, then
 * SIGKILL after its KillWait). EXIT_NO_SUCH_JOB: none was pending or running.
 */
export function slurmStopCommand(host: string, id: string): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: `stop Slurm job ${JSON.stringify(id)} (scancel)`,
    argv: bashScriptArgv(
      'trainyard-slurm-stop',
      [
        's=$1',
        `runs="$HOME"/${RUNS_DIR}`,
        'jobs=$(squeue --me -h -t PD,R,CG,S,CF,RQ -n "$s" -o %A | sort -u)',
        // an array task's job is named after its array: it is found by its own id
        'j=$(head -c 32 -- "$runs/$s.jobid" 2>/dev/null | tr -dc 0-9_)',
        'case $j in *_*) [ -n "$(squeue --me -h -t PD,R,CG,S,CF,RQ -j "$j" -o %i 2>/dev/null)" ] && jobs="$jobs $j" ;; esac',
        `[ -n "$jobs" ] || { printf 'trainyard: no pending or running Slurm job named %s\\n' "$s" >&2; exit ${EXIT_NO_SUCH_JOB}; }`,
        'mkdir -p -- "$runs"; : > "$runs/$s.stopped"',
        'scancel -- $jobs',
        field('cancelled', '"$(echo $jobs)"'),
      ],
      id,
    ),
  };
}

/** A run's job id and exit marker (the liveness question when the queue no longer shows it). */
export function jobFilesCommand(host: string, id: string): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: `read the job id and exit marker of ${JSON.stringify(id)}`,
    readOnly: true,
    argv: bashScriptArgv(
      'trainyard-slurm-jobfiles',
      [
        `b="$HOME"/${RUNS_DIR}/$1`,
        `[ -f "$b.jobid" ] && ${field('jobid', '"$(head -c 32 -- "$b.jobid" | tr -dc 0-9_)"')}`,
        `[ -f "$b.exit" ] && ${field('exit', '"$(head -c 16 -- "$b.exit" | tr -dc 0-9)"')}`,
        field('end'),
      ],
      id,
    ),
  };
}
