/**
 * The Slurm commands a person watches: a smoke test streamed from a GPU node (srun) and attach (a
 * shell inside a running job). Values arrive as positional parameters, never in the script text.
 */
import { bashScriptArgv, type RemoteCommand } from '../../commands/value.js';
import { RUNS_DIR } from '../../runs/layout.js';
import { shJoin } from '../../shell/quote.js';

export interface SlurmSmokeOptions {
  /** The job's name (unique: cancelling finds the job by it). */
  jobName: string;
  partition?: string;
  account?: string;
  qos?: string;
  gpus: number;
  time: string;
}

/**
 * A smoke test on a GPU node: srun of the smoke script, output streamed back line by line. A
 * cancel kills this command's process group over SSH (SIGKILL: nothing here can clean up), so a
 * watcher in its own session scancels the job by its name once this shell is gone.
 */
export function slurmSmokeCommand(host: string, scriptText: string, o: SlurmSmokeOptions): RemoteCommand {
  const opts = [
    `--job-name=${o.jobName}`,
    ...(o.partition ? [`--partition=${o.partition}`] : []),
    ...(o.account ? [`--account=${o.account}`] : []),
    ...(o.qos ? [`--qos=${o.qos}`] : []),
    ...(o.gpus > 0 ? [`--gres=gpu:${Math.floor(o.gpus)}`] : []),
    `--time=${o.time}`,
  ];
  return {
    where: 'remote',
    host,
    purpose: `run the smoke test on a GPU node with srun (job ${o.jobName}; output streamed here)`,
    argv: bashScriptArgv(
      'trainyard-slurm-smoke',
      [
        'script=$1; name=$2; shift 2',
        'command -v srun >/dev/null 2>&1 || { echo "trainyard: srun is not on PATH on this login node" >&2; exit 127; }',
        `setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; scancel --name="$2" --user="$(id -un)" 2>/dev/null' trainyard-smoke-watch "$$" "$name" < /dev/null > /dev/null 2>&1 &`,
        'srun --unbuffered "$@" bash -c "$script" trainyard-smoke',
      ],
      scriptText,
      o.jobName,
      ...opts,
    ),
  };
}

/**
 * The remote command line of attach: a shell inside the running job's allocation
 * (srun --overlap --pty) when the job runs, else the end of its log, followed.
 */
export function attachRemoteLine(id: string): string {
  const script = [
    's=$1',
    'j=$(squeue --me -h -t R -n "$s" -o %i | head -n 1)',
    // an array task: its job is named after the array; %A is the task's own job id
    `[ -n "$j" ] || { a=$(head -c 32 -- "$HOME"/${RUNS_DIR}/"$s".jobid 2>/dev/null | tr -dc 0-9_); case $a in *_*) j=$(squeue --me -h -t R -j "$a" -o %A 2>/dev/null | head -n 1) ;; esac; }`,
    'if [ -n "$j" ]; then srun --jobid="$j" --overlap --pty bash -l && exit 0; echo "trainyard: srun --overlap is not allowed here; showing the log" >&2; fi',
    `log=$(sed -n 's/.*"log":"\\([^"]*\\)".*/\\1/p' "$HOME"/${RUNS_DIR}/"$s".json 2>/dev/null | head -n 1)`,
    '[ -n "$log" ] || { echo "trainyard: no log known for $s" >&2; exit 1; }',
    'exec tail -n 200 -F -- "$log"',
  ].join('\n');
  return shJoin(['bash', '-c', script, 'trainyard-slurm-attach', id]);
}
