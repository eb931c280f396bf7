/**
 * Nights on a Slurm cluster, with what Slurm itself offers: every run's job gets a small guard
 * job, submitted with --dependency=afternotok:<job> --kill-on-invalid-dep=yes. Slurm starts the
 * guard only when the run's job ended badly (TIMEOUT, OUT_OF_MEMORY, PREEMPTED, NODE_FAIL, FAILED,
 * CANCELLED) and cancels it when the job completes. No process waits on the login node, where
 * cluster policies kill long-lived processes. The guard, on a compute node:
 *   1. writes the same events as the SSH watchdog (crashed / oom / lost, with the Slurm state) to
 *      ~/.trainyard/watchdog/<login node>/events.jsonl, which the cockpit and `trainyard events` read;
 *   2. when the user stopped the run (.stopped), says restart-cancelled and ends;
 *   3. when the project's autoRestart allows another restart, writes the child run exactly as the
 *      watchdog does (src/watchdog/awk/restart.awk: new script header, manifest naming the parent,
 *      resumed from the newest checkpoint), submits it with the parent's #SBATCH lines, and
 *      submits the child's own guard — the chain goes on with the laptop closed.
 */

import { RUN_SCRIPT_MARKER, RUNS_DIR, WATCHDOG_DIR } from '../../runs/layout.js';
import { shQuote } from '../../shell/quote.js';
import { awkProgram } from '../../watchdog/script.js';

/** Where the guard script lives on the login node (shared home: the compute nodes see it). */
export const GUARD_SCRIPT = `${RUNS_DIR}/slurm-guard.sh`;
/** The script that submits a guard (guardSubmitScript): $1 run id, $2 login node machine key, $3 the run's job id. */
export const GUARD_SUBMIT_SCRIPT = `${RUNS_DIR}/slurm-guard-submit.sh`;

/** What ends a guard job's name: a run's own name may not end so (jobNameProblem). */
export const GUARD_SUFFIX = '-guard';

/** The guard job's name for a run. */
export const guardJobName = (id: string) => `${id}${GUARD_SUFFIX}`;

/** Whether a job is a run's restart guard: never shown or counted as a run or job of its own. */
export const isGuardJob = (job: { name: string }) => job.name.endsWith(GUARD_SUFFIX);

/**
 * The runs whose guard job is waiting for them (pending on their Dependency): shown as "guarded".
 * A guard that started, or was cancelled because its run completed, guards nothing any more.
 */
export function guardedNames(jobs: readonly { name: string; state: string }[]): Set<string> {
  const names = new Set<string>();
  for (const j of jobs) if (isGuardJob(j) && j.state === 'PENDING') names.add(j.name.slice(0, -GUARD_SUFFIX.length));
  return names;
}

/**
 * The guard script. Arguments: run id, the login node's machine key (where events go), the run's
 * job id. The #SBATCH lines of the run (partition, account, qos) come from the command line of
 * guardSubmitScript, so the script itself is the same for every run and written at every launch.
 */
export function guardScript(): string {
  return [
    '#!/bin/bash',
    "# trainyard restart guard: runs only after a run's job ended badly (see src/backends/slurm/restartGuard.ts)",
    `AWK_JSON=${shQuote(awkProgram('json'))}`,
    `AWK_MANIFEST=${shQuote(awkProgram('manifest'))}`,
    `AWK_RESTART=${shQuote(awkProgram('restart'))}`,
    `MARKER=${shQuote(RUN_SCRIPT_MARKER)}`,
    'id=$1 machine=$2 job=$3',
    `RUNS="$HOME"/${RUNS_DIR}`,
    `EVD="$HOME"/${WATCHDOG_DIR}/$machine`,
    'mkdir -p -- "$EVD"',
    'iso=$(date -u +%Y-%m-%dT%H:%M:%SZ)',
    'seq=0',
    // one watchdog-format event line; every string through the JSON encoder of json.awk
    'ev() {',
    '  seq=$((seq + 1))',
    '  TY_T=$iso TY_ID="$(date +%s)-g$$-$seq" TY_H=$machine TY_S=$id TY_P=$project TY_K=$1 TY_L=$2 TY_D=$3 \\',
    '    awk "$AWK_JSON"\' BEGIN { printf "{\\"time\\":%s,\\"id\\":%s,\\"host\\":%s,\\"session\\":%s,\\"project\\":%s,\\"kind\\":%s,\\"level\\":%s,\\"detail\\":%s,\\"pushed\\":false}\\n", jenc(ENVIRON["TY_T"]), jenc(ENVIRON["TY_ID"]), jenc(ENVIRON["TY_H"]), jenc(ENVIRON["TY_S"]), jenc(ENVIRON["TY_P"]), jenc(ENVIRON["TY_K"]), jenc(ENVIRON["TY_L"]), jenc(ENVIRON["TY_D"]) }\' >> "$EVD/events.jsonl"',
    '}',
    'mf="$RUNS/$id.json"',
    '{ IFS= read -r ok; IFS= read -r project; IFS= read -r log; IFS= read -r remote; IFS= read -r gpus',
    '  IFS= read -r ckpt; IFS= read -r resume; IFS= read -r ar; IFS= read -r ar_max; IFS= read -r backoff',
    '  IFS= read -r rc; IFS= read -r _parent; IFS= read -r _started; IFS= read -r _base; IFS= read -r _by',
    '  IFS= read -r _from; IFS= read -r _sweep; IFS= read -r rundir; } < <(awk "$AWK_JSON$AWK_MANIFEST" "$mf" 2>/dev/null)',
    '[ "$ok" = ok ] || { echo "trainyard guard: cannot read $mf"; exit 1; }',
    'state=$(squeue -h -t all -j "$job" -o %T 2>/dev/null | head -n 1)',
    '[ -n "$state" ] || state=$(sacct -n -X -P -j "$job" -o State 2>/dev/null | head -n 1)',
    // an array task cancelled before it started leaves no record: the user's stop, not a failure
    'state=${state%% *}; [ -n "$state" ] || [ ! -e "$RUNS/$id.stopped" ] || state=CANCELLED; state=${state:-FAILED}',
    'code=$(cat "$RUNS/$id.exit" 2>/dev/null | tr -dc 0-9)',
    'case $state in',
    '  OUT_OF_MEMORY) ev oom error "Slurm job $job: OUT_OF_MEMORY (the node\'s memory limit killed it)" ;;',
    '  NODE_FAIL) ev lost error "Slurm job $job: NODE_FAIL (its node failed)" ;;',
    '  PREEMPTED) ev lost warn "Slurm job $job: PREEMPTED (a higher-priority job took its node)" ;;',
    '  TIMEOUT) ev crashed error "Slurm job $job: TIMEOUT (it reached its time limit)" ;;',
    '  CANCELLED) [ -e "$RUNS/$id.stopped" ] || ev crashed error "Slurm job $job: CANCELLED (not by trainyard)" ;;',
    '  *) ev crashed error "Slurm job $job: $state${code:+, exit $code}" ;;',
    'esac',
    '[ "$ar" = true ] || exit 0',
    'if [ -e "$RUNS/$id.stopped" ]; then ev restart-cancelled info "the run was stopped"; exit 0; fi',
    'if [ "${rc:-0}" -ge "${ar_max:-3}" ]; then ev restart-limit warn "not restarting: $rc of $ar_max automatic restarts used"; exit 0; fi',
    // the newest checkpoint: highest number in the base name, then the newest file
    'best="" best_n=-1',
    // checkpoints are looked for in the run's own directory (the project directory for older manifests)
    'if [ -n "$ckpt" ] && cd -- "${rundir:-$remote}" 2>/dev/null; then',
    '  shopt -s nullglob; IFS=',
    '  for c in $ckpt; do',
    '    b=${c%/}; b=${b##*/}; n=$(printf %s "$b" | grep -o "[0-9]\\+" | tail -n 1 | sed "s/^0*//")',
    '    n=${n:-0}; [ ${#n} -gt 15 ] && n=-1',
    '    if [ "$n" -gt "$best_n" ] || { [ "$n" -eq "$best_n" ] && [ "$c" -nt "$best" ]; }; then best=$c best_n=$n; fi',
    '  done',
    '  unset IFS; [ -n "$best" ] && best="${rundir:-$remote}/$best"; cd "$HOME" || :',
    'fi',
    'base=${id%-r[0-9]*}',
    'new="$base-r$((rc + 1))"',
    'TY_MARKER=$MARKER TY_OLD=$id TY_NEW=$new TY_CKPT=$best TY_ISO=$iso TY_EXIT="$RUNS/$new.exit" \\',
    '  TY_SCRIPT="$RUNS/$new.sh" TY_WRITER="trainyard slurm guard" \\',
    '  TY_SCRIPT_OUT="$RUNS/$new.sh.tmp" TY_MANIFEST_OUT="$RUNS/$new.json.tmp" \\',
    '  awk "$AWK_JSON$AWK_RESTART" "$mf" "$RUNS/$id.sh" > "$RUNS/$new.restart" 2>&1',
    'IFS=" " read -r r_ok r_log < "$RUNS/$new.restart"; rm -f -- "$RUNS/$new.restart"',
    'if [ "$r_ok" != ok ]; then rm -f -- "$RUNS/$new.sh.tmp" "$RUNS/$new.json.tmp"; ev restart-failed error "could not restart: $r_log"; exit 1; fi',
    // the child's batch script: the parent's, with its name, output and run script replaced
    'TY_NAME=$new TY_OUT=$r_log TY_SCRIPT="$RUNS/$new.sh" awk \'',
    '  /^#SBATCH --job-name=/ { print "#SBATCH --job-name=" ENVIRON["TY_NAME"]; next }',
    '  /^#SBATCH --output=/ { print "#SBATCH --output=" ENVIRON["TY_OUT"]; next }',
    '  /^ty_script=/ { s = ENVIRON["TY_SCRIPT"]; gsub(/\\047/, "\\047\\\\\\047\\047", s); print "ty_script=\\047" s "\\047"; next }',
    '  { print }\' "$RUNS/$id.sbatch" > "$RUNS/$new.sbatch"',
    'printf "slurm\\n" > "$RUNS/$new.machine"',
    'rm -f -- "$RUNS/$new.exit" "$RUNS/$new.stopped"',
    'mv -f -- "$RUNS/$new.sh.tmp" "$RUNS/$new.sh"; mv -f -- "$RUNS/$new.json.tmp" "$RUNS/$new.json"',
    'out=$(sbatch --parsable -- "$RUNS/$new.sbatch" 2>&1) || { ev restart-failed error "could not restart: sbatch: $out"; exit 1; }',
    'child=${out%%;*}',
    'printf "%s\\n" "$child" > "$RUNS/$new.jobid"',
    'bash "$RUNS/slurm-guard-submit.sh" "$new" "$machine" "$child" > "$RUNS/$new.guardjob" 2>&1 || true',
    'if [ -z "$resume" ]; then from="from the start (the project has no resume template)"',
    'elif [ -z "$best" ]; then from="from the start (no checkpoint yet)"',
    'else from="from $best"; fi',
    'ev restarted info "restarted as $new $from ($((rc + 1)) of $ar_max), Slurm job $child"',
    '',
  ].join('\n');
}

/**
 * The script that submits a run's guard (run on the login node at launch, and by a guard for the
 * child it submitted): the host's partition, account and QOS, no GPU, ten minutes at most.
 * Positional: $1 run id, $2 login node machine key, $3 the run's job id; the values of the
 * host's options are quoted literals.
 */
export function guardSubmitScript(o: { partition?: string; account?: string; qos?: string }): string {
  const opts = [
    ...(o.partition ? [`--partition=${shQuote(o.partition)}`] : []),
    ...(o.account ? [`--account=${shQuote(o.account)}`] : []),
    ...(o.qos ? [`--qos=${shQuote(o.qos)}`] : []),
  ].join(' ');
  const line = [
    `sbatch --parsable --job-name="$1-guard" --dependency="afternotok:$3" --kill-on-invalid-dep=yes`,
    `--time=10 --ntasks=1 --output="$HOME"/${RUNS_DIR}/"$1".guard.log --open-mode=append ${opts}`,
    `-- "$HOME"/${GUARD_SCRIPT} "$1" "$2" "$3"`,
  ]
    .join(' ')
    .replace(/ +/g, ' ');
  return `#!/bin/bash\n# submits a trainyard restart guard (see src/backends/slurm/restartGuard.ts)\n${line}\n`;
}

/**
 * Shell lines that write the restart guard and its submit script (from $ty_g, $ty_gs) and the
 * secrets file (from $ty_k, when $secrets names one), each base64 from stdin: a single launch and
 * a job array write them the same way.
 */
export const WRITE_GUARD_AND_SECRETS_SH: readonly string[] = [
  `printf %s "$ty_g" | base64 -d > "$runs/slurm-guard.sh.tmp"; mv -f -- "$runs/slurm-guard.sh.tmp" "$HOME"/${GUARD_SCRIPT}`,
  `printf %s "$ty_gs" | base64 -d > "$runs/slurm-guard-submit.sh.tmp"; mv -f -- "$runs/slurm-guard-submit.sh.tmp" "$HOME"/${GUARD_SUBMIT_SCRIPT}`,
  'if [ -n "$secrets" ]; then',
  '  mkdir -p -- "${secrets%/*}"; printf %s "$ty_k" | base64 -d > "$secrets.tmp"; chmod 600 -- "$secrets.tmp"; mv -f -- "$secrets.tmp" "$secrets"',
  'fi',
];
