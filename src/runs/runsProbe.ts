/**
 * The Runs view's one look at a host: every run manifest of this machine with its exit marker,
 * stop marker and end time, the tmux sessions, the queued entries of this machine's queue, and the
 * last few KB of the logs asked for — in one exec. Everything the server says (manifests, log
 * tails) reaches us as data: a manifest is the one line after its marker (a manifest is one line
 * of JSON), a log tail is base64, so no file content can forge a marker.
 *
 * Only shell builtins run per manifest (read, test, parameter expansion); the end times of every
 * ended run come from one `stat`, and only the logs asked for cost a `tail`.
 */
import { bashScriptArgv, type RemoteCommand } from '../commands/value.js';
import { TMUX_SESSION_FORMAT } from '../parsers/tmux.js';
import { MACHINE_KEY_SH, QUEUE_DIR, RUNS_DIR } from './layout.js';

/** Bytes of each log's end that are read for progress and the latest loss. */
export const TAIL_BYTES = 4096;

/** At most this many logs are read in one look (the rest wait for the next). */
export const MAX_TAILS = 200;

/** A log to read: which run it belongs to and its absolute path on the host. */
export interface TailRequest {
  id: string;
  log: string;
}

/**
 * The script. $1 is the number of log tails asked for; then the tails' paths. Output lines:
 *   @@now SECONDS / @@home PATH / @@machine KEY
 *   @@run I [exit=N] [stopped]    then the manifest's one line (I counts from 0)
 *   @@ends                        then one "SECONDS" per run with an exit marker, in order
 *   @@queued ENTRY WANT           then the queue entry's manifest line
 *   @@tail I SECONDS BASE64       log tail I (its mtime and its last TAIL_BYTES bytes)
 *   @@tmux CODE                   then `tmux list-sessions` lines
 */
export function runsProbeCommand(host: string, tails: readonly TailRequest[]): RemoteCommand {
  const asked = tails.slice(0, MAX_TAILS);
  return {
    where: 'remote',
    host,
    purpose: 'list the runs: manifests, markers, queued entries, tmux sessions and the ends of live logs',
    readOnly: true,
    argv: bashScriptArgv(
      'trainyard-runs',
      [
        MACHINE_KEY_SH,
        `printf '@@now %s\\n@@home %s\\n@@machine %s\\n' "$(date +%s)" "$HOME" "$machine"`,
        'i=0; ends=(); ty_sbatch=$(command -v sbatch 2>/dev/null)',
        `for f in "$HOME"/${RUNS_DIR}/*.json; do`,
        '  [ -f "$f" ] || continue',
        '  b=${f%.json}',
        // a Slurm run belongs to the login nodes it was submitted from: listed where sbatch is
        '  if [ -f "$b.machine" ]; then o=; IFS= read -r o < "$b.machine"; [ "$o" = "$machine" ] || { [ "$o" = slurm ] && [ -n "$ty_sbatch" ]; } || continue; fi',
        '  m=; IFS= read -r m < "$f" || [ -n "$m" ] || continue',
        '  printf \'@@run %s\' "$i"',
        '  if [ -f "$b.exit" ]; then e=; IFS= read -r e < "$b.exit"; e=${e//[!0-9]/}; printf \' exit=%s\' "${e:0:9}"; ends+=("$b.exit"); fi',
        '  [ -e "$b.stopped" ] && printf \' stopped\'',
        // a Slurm run (a batch job submitted from this login node) has its job id beside it
        '  if [ -f "$b.jobid" ]; then j=; IFS= read -r j < "$b.jobid"; j=${j//[!0-9_]/}; printf \' job=%s\' "${j:0:32}"; fi',
        '  printf \'\\n%s\\n\' "$m"',
        '  i=$((i + 1))',
        'done',
        "printf '@@ends\\n'",
        '[ ${#ends[@]} -gt 0 ] && stat -c %Y -- "${ends[@]}" 2>/dev/null',
        `for e in "$HOME"/${QUEUE_DIR}/"$machine"/*/; do`,
        '  [ -f "$e/manifest.json" ] || continue',
        '  n=${e%/}; n=${n##*/}; w=; [ -f "$e/want" ] && IFS= read -r w < "$e/want"; w=${w//[!0-9]/}',
        '  m=; IFS= read -r m < "$e/manifest.json" || [ -n "$m" ] || continue',
        '  case $n in *[!A-Za-z0-9._-]*) continue ;; esac',
        '  printf \'@@queued %s %s\\n%s\\n\' "$n" "${w:-1}" "$m"',
        'done',
        'n=$1; shift; j=0',
        'while [ "$j" -lt "$n" ] && [ $# -gt 0 ]; do',
        '  p=$1; shift',
        `  if [ -f "$p" ]; then printf '@@tail %s %s ' "$j" "$(stat -c %Y -- "$p" 2>/dev/null || echo 0)"; tail -c ${TAIL_BYTES} -- "$p" | base64 | tr -d '\\n'; printf '\\n'; fi`,
        '  j=$((j + 1))',
        'done',
        `ls=$(tmux list-sessions -F "${TMUX_SESSION_FORMAT}" 2>&1); rc=$?`,
        'printf \'@@tmux %s\\n%s\\n\' "$rc" "$ls"',
      ],
      String(asked.length),
      ...asked.map((t) => t.log),
    ),
  };
}

export interface ProbedRun {
  /** The manifest's line as the server holds it (parsed by the caller). */
  manifestLine: string;
  /** The exit marker's status, when the run wrote one. */
  exitCode: number | null;
  /** When the exit marker was written (server clock, seconds), when known. */
  endedAt: number | null;
  stopped: boolean;
  /** The Slurm job id of a run submitted with sbatch, else null. */
  jobId: string | null;
}

export interface ProbedQueued {
  entry: string;
  want: number;
  manifestLine: string;
}

export interface RunsProbeResult {
  now: number | null;
  home: string | null;
  machine: string | null;
  runs: ProbedRun[];
  queued: ProbedQueued[];
  /** Log tails by the index of the TailRequest, with the log's mtime (server seconds). */
  tails: Map<number, { text: string; mtime: number | null }>;
  tmux: { code: number; text: string };
}

const int = (s: string | undefined): number | null => (s !== undefined && /^\d{1,15}$/.test(s) ? Number(s) : null);

/** Reads runsProbeCommand's output (never throws: what cannot be read is left out). */
export function parseRunsProbe(output: string): RunsProbeResult {
  const lines = output.split('\n');
  const result: RunsProbeResult = {
    now: null,
    home: null,
    machine: null,
    runs: [],
    queued: [],
    tails: new Map(),
    tmux: { code: -1, text: '' },
  };
  const exitRuns: ProbedRun[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.startsWith('@@')) continue;
    const space = line.indexOf(' ');
    const name = space === -1 ? line.slice(2) : line.slice(2, space);
    const value = space === -1 ? '' : line.slice(space + 1);
    if (name === 'now') result.now = int(value);
    else if (name === 'home') result.home = value;
    else if (name === 'machine') result.machine = value;
    else if (name === 'run') {
      const exit = /(?:^| )exit=(\d*)/.exec(value);
      const run: ProbedRun = {
        manifestLine: lines[++i] ?? '',
        exitCode: exit ? int(exit[1]) : null,
        endedAt: null,
        stopped: value.split(' ').includes('stopped'),
        jobId: /(?:^| )job=([0-9_]+)/.exec(value)?.[1] ?? null,
      };
      result.runs.push(run);
      if (exit) exitRuns.push(run);
    } else if (name === 'ends') {
      // one line per exit marker, in order; a line that is not a number ends the list
      for (const run of exitRuns) {
        const t = int(lines[i + 1]);
        if (t === null) break;
        run.endedAt = t;
        i++;
      }
    } else if (name === 'queued') {
      const [entry, want] = value.split(' ');
      result.queued.push({ entry: entry ?? '', want: int(want) ?? 1, manifestLine: lines[++i] ?? '' });
    } else if (name === 'tail') {
      const [index, mtime, b64] = value.split(' ');
      const at = int(index);
      if (at !== null)
        result.tails.set(at, { text: Buffer.from(b64 ?? '', 'base64').toString('utf8'), mtime: int(mtime) });
    } else if (name === 'tmux') {
      // the rest of the output is tmux's
      result.tmux = { code: int(value) ?? -1, text: lines.slice(i + 1).join('\n') };
      break;
    }
  }
  return result;
}
