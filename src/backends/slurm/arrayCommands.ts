/**
 * A sweep on a Slurm cluster is one job array. Each task is still a run with the files of any
 * Slurm run in ~/.trainyard/runs (manifest, run script, machine, and <run>.jobid holding
 * "<array job>_<task>"), plus <run>.sbatch: a single-job batch script the array never submits,
 * which the task's restart guard resubmits (restartGuard.ts) as for any run. The array itself:
 *   ~/.trainyard/runs/arrays/<name>.sbatch   #SBATCH --array=…, then the task's run script
 *   ~/.trainyard/runs/arrays/<name>.tasks    line i+1: the run of task i (empty: not submitted)
 *   ~/.trainyard/runs/arrays/<name>-<job>_<task>.out   Slurm's own output for the task (%A_%a)
 * A task's program writes its run's own log, as every run does. Parameter values are in each
 * run's script as quoted literals (launchScriptFor); the array script reads only a run's name.
 */
import { field } from '../../commands/sectioned.js';
import { bashScriptArgv, type RemoteCommand, stdinLine } from '../../commands/value.js';
import { MACHINE_KEY_SH, RUNS_DIR } from '../../runs/layout.js';
import { GUARD_SUBMIT_SCRIPT, WRITE_GUARD_AND_SECRETS_SH } from './restartGuard.js';
import { EXIT_COMMAND_NOT_FOUND, SLURM_MACHINE } from './slurmCommands.js';

export const ARRAYS_DIR = `${RUNS_DIR}/arrays`;

/** What a run id of an array task may be (a Slurm job name here, and a file name). */
const TASK_NAME_CASE = "'' | [.+-]* | *[!A-Za-z0-9_.+-]*";

/** "--array" for task indices (sorted, each once) and a limit on how many run at once: "0-3%2", "1,3". */
export function arraySpec(indices: readonly number[], maxParallel: number | null): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  if (!sorted.length || sorted.some((i) => !Number.isInteger(i) || i < 0))
    throw new Error('an array needs task indices (whole numbers from 0)');
  const parts: string[] = [];
  for (let k = 0; k < sorted.length; ) {
    let end = k;
    while (end + 1 < sorted.length && sorted[end + 1] === sorted[end] + 1) end++;
    parts.push(end > k ? `${sorted[k]}-${sorted[end]}` : String(sorted[k]));
    k = end + 1;
  }
  const limit = maxParallel !== null ? `%${Math.max(1, Math.floor(maxParallel))}` : '';
  return `${parts.join(',')}${limit}`;
}

/** The task file: line i+1 names the run of task i. */
export function tasksFileText(tasks: readonly { index: number; id: string }[]): string {
  const lines: string[] = [];
  const last = Math.max(...tasks.map((t) => t.index));
  for (let i = 0; i <= last; i++) lines.push(tasks.find((t) => t.index === i)?.id ?? '');
  return `${lines.join('\n')}\n`;
}

export interface ArrayTaskPayload {
  index: number;
  id: string;
  manifestJson: string;
  scriptText: string;
  /** The single-job batch script a restart resubmits. */
  sbatchText: string;
}

export interface ArrayLaunchPayload {
  home: string;
  /** The array's file name (the first task's run id): arrays/<name>.sbatch, .tasks. */
  name: string;
  arraySbatchText: string;
  tasksText: string;
  tasks: ArrayTaskPayload[];
  guardText: string;
  guardSubmitText: string;
  secrets: { file: string; text: string; names: string[] } | null;
}

/**
 * Writes every task's run files, the array's batch script and task file, submits the array with
 * sbatch, then records each task's job id "<job>_<task>" and submits its restart guard. Prints
 * the fields "jobid N", then "guard RUN JOB" or "guard-refused RUN WHY" per task.
 */
export function slurmArrayLaunchCommand(host: string, p: ArrayLaunchPayload): RemoteCommand {
  const runs = `${p.home}/${RUNS_DIR}`;
  const stdin = [
    stdinLine(p.guardText),
    stdinLine(p.guardSubmitText),
    stdinLine(p.arraySbatchText),
    stdinLine(p.tasksText),
    p.secrets ? stdinLine(p.secrets.text) : '',
    String(p.tasks.length),
    ...p.tasks.flatMap((t) => [
      String(t.index),
      t.id,
      stdinLine(t.manifestJson),
      stdinLine(t.scriptText),
      stdinLine(t.sbatchText),
    ]),
  ];
  return {
    where: 'remote',
    host,
    purpose: `write ${p.tasks.length} run(s) and submit them as one Slurm job array with sbatch`,
    argv: bashScriptArgv(
      'trainyard-slurm-array',
      [
        'set -e',
        'umask 077',
        'runs=$1; a=$2; secrets=$3',
        `command -v sbatch >/dev/null 2>&1 || { echo 'trainyard: sbatch is not on PATH on this host' >&2; exit ${EXIT_COMMAND_NOT_FOUND}; }`,
        'mkdir -p -- "$runs/arrays"',
        'IFS= read -r ty_g; IFS= read -r ty_gs; IFS= read -r ty_a; IFS= read -r ty_t; IFS= read -r ty_k; IFS= read -r n',
        MACHINE_KEY_SH,
        ...WRITE_GUARD_AND_SECRETS_SH,
        'names=(); idx=()',
        'for ((k = 0; k < n; k++)); do',
        '  IFS= read -r i; IFS= read -r s; IFS= read -r ty_m; IFS= read -r ty_s; IFS= read -r ty_b',
        `  case $s in ${TASK_NAME_CASE}) echo 'trainyard: a task without a usable run name' >&2; exit 2 ;; esac`,
        "  case $i in '' | *[!0-9]*) echo 'trainyard: a task without an index' >&2; exit 2 ;; esac",
        `  printf '%s\\n' ${SLURM_MACHINE} > "$runs/$s.machine"`,
        '  rm -f -- "$runs/$s.exit" "$runs/$s.stopped" "$runs/$s.jobid"',
        '  printf %s "$ty_m" | base64 -d > "$runs/$s.json.tmp"; mv -f -- "$runs/$s.json.tmp" "$runs/$s.json"',
        '  printf %s "$ty_s" | base64 -d > "$runs/$s.sh"',
        '  printf %s "$ty_b" | base64 -d > "$runs/$s.sbatch"',
        '  names+=("$s"); idx+=("$i")',
        'done',
        'printf %s "$ty_a" | base64 -d > "$runs/arrays/$a.sbatch"',
        'printf %s "$ty_t" | base64 -d > "$runs/arrays/$a.tasks"',
        'set +e',
        'out=$(sbatch --parsable -- "$runs/arrays/$a.sbatch" 2>&1); code=$?',
        'set -e',
        'if [ "$code" -ne 0 ]; then printf \'%s\\n\' "$out" >&2; exit "$code"; fi',
        'job=${out%%;*}',
        field('jobid', '"$job"'),
        'for k in "${!names[@]}"; do',
        '  s=${names[$k]}; t=${job}_${idx[$k]}',
        '  printf \'%s\\n\' "$t" > "$runs/$s.jobid"',
        // a refused guard does not undo the launch (as for a single run)
        `  guard=$(bash "$HOME"/${GUARD_SUBMIT_SCRIPT} "$s" "$machine" "$t" 2>&1) && ${field('guard', '"$s ${guard%%;*}"')} || ${field('guard-refused', '"$s $(printf %s "$guard" | head -n 1)"')}`,
        'done',
      ],
      runs,
      p.name,
      p.secrets?.file ?? '',
    ),
    stdin: `${stdin.join('\n')}\n`,
    stdinLabel: `the restart guard, the array's batch script and task file${p.secrets ? `, ${p.secrets.names.length} secret variable(s) ${p.secrets.names.join(', ')} — values not shown` : ''}, then per task its index, run, manifest, run script and batch script (base64, one per line)`,
    attachments: [
      { title: `array batch script ${runs}/arrays/${p.name}.sbatch`, text: p.arraySbatchText },
      { title: `array task file ${runs}/arrays/${p.name}.tasks`, text: p.tasksText },
      ...p.tasks.flatMap((t) => [
        { title: `task ${t.index}: manifest ${runs}/${t.id}.json`, text: t.manifestJson },
        { title: `task ${t.index}: run script ${runs}/${t.id}.sh`, text: t.scriptText },
      ]),
    ],
  };
}

/**
 * Cancels array tasks of the given runs as the queue holds them now (one squeue of my tasks, -r:
 * one line per task, pending ones too; not the shared poll, which may be older than the array):
 * with kill, pending and running ones; else only pending ones (scancel -t PENDING: a task that
 * started meanwhile runs on). The .stopped marker goes first, so no guard restarts what the user
 * stopped; it is taken back from a task that started meanwhile. Prints "cancelled RUN STATE" per
 * task cancelled (its state before), "left RUN" per task left running.
 */
export function slurmCancelTasksCommand(host: string, ids: readonly string[], kill: boolean): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: `cancel the ${kill ? 'pending and running' : 'pending'} array tasks of ${ids.length} run(s) (scancel)`,
    argv: bashScriptArgv(
      'trainyard-slurm-cancel-tasks',
      [
        'kill=$1; shift',
        `runs="$HOME"/${RUNS_DIR}`,
        'live() { squeue --me -h -r -t "$1" -o \'%i %T\'; }',
        "queue=$(live PD,R,CG,S,CF,RQ) || { echo 'trainyard: squeue failed' >&2; exit 1; }",
        'ids=(); jobs=(); states=()',
        'for s in "$@"; do',
        `  case $s in ${TASK_NAME_CASE}) continue ;; esac`,
        '  j=$(head -c 32 -- "$runs/$s.jobid" 2>/dev/null | tr -dc 0-9_)',
        '  [ -n "$j" ] || continue',
        '  st=$(printf \'%s\\n\' "$queue" | awk -v j="$j" \'$1 == j { print $2; exit }\')',
        '  [ -n "$st" ] || continue',
        `  if [ "$kill" != 1 ] && [ "$st" != PENDING ]; then ${field('left', '"$s"')}; continue; fi`,
        '  : > "$runs/$s.stopped"; ids+=("$s"); jobs+=("$j"); states+=("$st")',
        'done',
        `[ \${#jobs[@]} -gt 0 ] || { ${field('end')}; exit 0; }`,
        'if [ "$kill" = 1 ]; then scancel -- "${jobs[@]}"; else scancel -t PENDING -- "${jobs[@]}"; fi',
        'started=; [ "$kill" = 1 ] || started=$(live R,CG,CF)',
        'for k in "${!ids[@]}"; do',
        '  s=${ids[$k]}',
        `  if printf '%s\\n' "$started" | awk -v j="\${jobs[$k]}" '$1 == j { f = 1 } END { exit !f }'; then rm -f -- "$runs/$s.stopped"; ${field('left', '"$s"')}; continue; fi`,
        `  ${field('cancelled', '"$s ${states[$k]}"')}`,
        'done',
        field('end'),
      ],
      kill ? '1' : '0',
      ...ids,
    ),
  };
}
