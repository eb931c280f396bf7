import { SLURM_DETECT_SH } from '../backends/slurm/detect.js';
import { APP_QUERY_FIELDS, GPU_QUERY_FIELDS } from '../parsers/nvidiaSmi.js';
import { TMUX_FORMAT_FIELDS, TMUX_SESSION_FORMAT } from '../parsers/tmux.js';
import { MACHINE_KEY_SH, QUEUE_DIR, RUNS_DIR, WATCHDOG_DIR } from '../runs/layout.js';
import { shJoin } from '../shell/quote.js';
import { field, parseSections, sectionInShell } from './sectioned.js';
import { argvCommand, type ShellCommand, shScript } from './value.js';

/** The one streaming GPU source per host: nvidia-smi prints a line per GPU every interval. */
export function gpuStreamCommand(intervalMs: number): ShellCommand {
  return argvCommand(
    [
      'nvidia-smi',
      `--query-gpu=${GPU_QUERY_FIELDS.join(',')}`,
      '--format=csv,noheader,nounits',
      '-lms',
      String(Math.round(intervalMs)),
    ],
    'GPU stream',
  );
}

/** At most this many live runs' logs are read per look. */
export const MAX_FACT_TAILS = 32;

/** Bytes read from the end of each live run's log. */
export const FACT_TAIL_BYTES = 2048;

/** Shell that strips the first `n` ':'-separated fields from the front of a variable's value: `\${l#*:*:}`. */
const dropFields = (variable: string, n: number) => `\${${variable}#${'*:'.repeat(n)}}`;

/**
 * The sessions probe's sections (and the shell between them): tmux sessions, run exit files (and
 * stop markers), GPU compute processes, the manifests of live sessions and the ends of their logs
 * (base64: no log line can forge a marker). It runs every few seconds on every host, so it runs
 * in one shell and forks only for the programs it needs: tmux once, stat twice, nvidia-smi once
 * (and a few per finished run or live log).
 */
function sessionSections(): string[] {
  const list = shJoin(['tmux', 'list-sessions', '-F', TMUX_SESSION_FORMAT]);
  const dead = TMUX_FORMAT_FIELDS.indexOf('pane_dead');
  const name = TMUX_FORMAT_FIELDS.indexOf('session_name');
  // For each session line of $ls (split on newlines only, globbing off): $r from pane_dead on
  // ("1:…" dead, "0:…" live), and the session's name (last: it may hold anything but ':').
  const eachPane = (body: string) =>
    `[ "$rc" = 0 ] && for l in $ls; do r=${dropFields('l', dead)}; ${body}; done; true`;
  const nameOf = `n=${dropFields('r', name - dead)}`;
  return [
    // tmux 3.3 sometimes reaps a dead pane only when another of its children exits, leaving
    // pane_dead_status empty (":1:::"): a run-shell makes one exit, then the list is read again.
    sectionInShell(
      'tmux',
      `ls=$(${list} 2>&1); rc=$?; case "$ls" in *:1:::*) tmux run-shell true >/dev/null 2>&1; ls=$(${list} 2>&1); rc=$?;; esac; printf '%s\\n' "$ls"`,
      '"$rc"',
    ),
    "set -f; oifs=$IFS; IFS='\n'",
    // tmux 3.3 can lose a dead pane's exit status; trainyard's run scripts also write it to a file.
    // A run the user stopped has a .stopped marker: "code:1:name" (code may be empty).
    sectionInShell(
      'exits',
      eachPane(
        `case $r in 1:*) ${nameOf}; f="$HOME/${RUNS_DIR}/$n"; c=; st=0; [ -f "$f.exit" ] && c=$(head -c 12 "$f.exit" | tr -dc 0-9); [ -e "$f.stopped" ] && st=1; [ -n "$c" ] || [ "$st" = 1 ] && printf '%s:%s:%s\\n' "$c" "$st" "$n";; esac`,
      ),
    ),
    // builtins only per live session: the manifest is one line of JSON
    sectionInShell(
      'runs',
      eachPane(
        `case $r in 0:*) ${nameOf}; f="$HOME/${RUNS_DIR}/$n.json"; m=; [ -f "$f" ] && { IFS= read -r m < "$f" || [ -n "$m" ]; } && printf '%s\\n' "$m";; esac`,
      ),
    ),
    // the default log of each live session (~/.trainyard/runs/NAME.log), keyed by the name in base64
    sectionInShell(
      'tails',
      `k=0; ${eachPane(`case $r in 0:*) ${nameOf}; f="$HOME/${RUNS_DIR}/$n.log"; [ -f "$f" ] && [ "$k" -lt ${MAX_FACT_TAILS} ] && { k=$((k + 1)); printf '%s ' "$(printf '%s' "$n" | base64 | tr -d '\\n')"; tail -c ${FACT_TAIL_BYTES} -- "$f" | base64 | tr -d '\\n'; printf '\\n'; };; esac`)}`,
    ),
    'IFS=$oifs; set +f',
    // What tells the Runs and watchdog polls that there is something new to read, without reading
    // it: the times of the runs and queue folders (a manifest, exit or stop marker, queue entry
    // came or went), and the watchdog's events file and lock (new events, another watchdog).
    // Needs $machine (MACHINE_KEY_SH) set before.
    sectionInShell(
      'run-marks',
      `stat -c %.9Y:%s -- "$HOME"/${RUNS_DIR} "$HOME"/${QUEUE_DIR}/"$machine" 2>/dev/null; true`,
    ),
    sectionInShell(
      'watchdog-marks',
      `stat -c %.9Y:%s -- "$HOME"/${WATCHDOG_DIR}/"$machine"/events.jsonl "$HOME"/${WATCHDOG_DIR}/"$machine"/lock 2>/dev/null; true`,
    ),
    sectionInShell(
      'apps',
      `a=127; command -v nvidia-smi >/dev/null 2>&1 && { ${shJoin(['nvidia-smi', `--query-compute-apps=${APP_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'])}; a=$?; }`,
      '"$a"',
    ),
  ];
}

/** The sessions probe once: the server's clock, then each section followed by its exit code. */
export function sessionsProbeCommand(): ShellCommand {
  return shScript(
    [MACHINE_KEY_SH, field('now', '"$(date +%s)"'), ...sessionSections()].join('; '),
    [],
    'sessions probe',
  );
}

/**
 * The sessions probe as one long-lived stream per host: the server runs it every `intervalSeconds`
 * and prints a frame (the clock, the sections, then the line `end`) only when the sections changed,
 * so a quiet host costs the cockpit nothing — no exec, no channel, no bytes — between changes.
 */
export function sessionsStreamCommand(intervalSeconds: number, end: string, detectScheduler = false): ShellCommand {
  const script = [
    MACHINE_KEY_SH,
    'last=',
    'detect=$3',
    'while :; do',
    `  out=$(${sessionSections().join('; ')})`,
    `  if [ "$out" != "$last" ]; then last=$out; ${field('now', '"$(date +%s)"')}; printf '%s\\n%s\\n' "$out" "$1"; fi`,
    // after the first frame, so a slow `scontrol ping` never holds the sessions back
    `  if [ "$detect" = 1 ]; then detect=0; ${field('scheduler', `"$(${SLURM_DETECT_SH.join('; ')})"`)}; printf '%s\\n' "$1"; fi`,
    '  sleep "$2"',
    'done',
  ].join('\n');
  return shScript(script, [end, String(intervalSeconds), detectScheduler ? '1' : '0'], 'sessions stream');
}

/**
 * A frame of the sessions stream that only answers whether the host is a Slurm login node (one
 * line): its SLURM_DETECT_SH output, else null. Looked at before a frame is parsed, not after.
 */
export function schedulerFrame(lines: readonly string[]): string | null {
  if (lines.length !== 1) return null;
  const out = parseSections(lines[0]);
  return out.has('scheduler') ? (out.value('scheduler') ?? '') : null;
}

export interface ProbeSections {
  now: number | null;
  /** Exit codes from run scripts' .exit files, for dead panes, by session name. */
  exits: Map<string, number>;
  /** Dead panes of runs the user stopped. */
  stopped: Set<string>;
  /** The manifest lines of live sessions. */
  manifests: string[];
  /** The ends of live sessions' default logs, by session name. */
  tails: Map<string, string>;
  tmux: { text: string; code: number };
  apps: { text: string; code: number };
  /** Change marks: when one differs from the last frame's, there is something new to read. */
  marks: ServerMarks;
}

/** Opaque texts that change when the host's runs/queue folders or its watchdog's events change. */
export interface ServerMarks {
  runs: string;
  watchdog: string;
}

/** Splits the batched probe's output into its sections. */
export function parseProbeOutput(output: string): ProbeSections {
  const out = parseSections(output);
  const part = (name: string) => ({ text: out.text(name), code: out.first(name)?.exit ?? -1 });
  const exits = new Map<string, number>();
  const stopped = new Set<string>();
  for (const l of out.first('exits')?.lines ?? []) {
    const m = /^(\d*):([01]):(.+)$/.exec(l);
    if (m?.[1]) exits.set(m[3], Number(m[1]));
    if (m?.[2] === '1') stopped.add(m[3]);
  }
  const tails = new Map<string, string>();
  for (const l of out.first('tails')?.lines ?? []) {
    const m = /^([A-Za-z0-9+/=]+) ([A-Za-z0-9+/=]*)$/.exec(l);
    if (m) tails.set(Buffer.from(m[1], 'base64').toString('utf8'), Buffer.from(m[2], 'base64').toString('utf8'));
  }
  const manifests = (out.first('runs')?.lines ?? []).filter((l) => l.startsWith('{'));
  const marks = { runs: out.text('run-marks'), watchdog: out.text('watchdog-marks') };
  return { now: out.number('now'), exits, stopped, manifests, tails, tmux: part('tmux'), apps: part('apps'), marks };
}
