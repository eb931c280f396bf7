/**
 * The commands the tmux backend runs on a server. Each is a fixed bash script run as
 * `bash -c SCRIPT NAME ARG…`: values (names, paths) only ever arrive as positional parameters,
 * so no value is parsed as shell code; payloads (manifest, launch script, secrets) arrive on stdin.
 * The exit codes the scripts use to say something are named here, beside them.
 */
import { field, section } from '../../commands/sectioned.js';
import { bashScriptArgv, type RemoteCommand, stdinLine } from '../../commands/value.js';
import { TMUX_SESSION_FORMAT } from '../../parsers/tmux.js';
import { MACHINE_KEY_SH, RUNS_DIR, runFile } from '../../runs/layout.js';
import { paneTarget, sessionTarget, tmuxFormatLiteral } from './tmuxArgs.js';

/** launchCommand: a tmux session of that name already exists. */
export const EXIT_SESSION_EXISTS = 17;
/** stopCommand: there is no tmux session of that name. */
export const EXIT_NO_SUCH_SESSION = 3;
/** What a shell answers for a program it cannot find (tmux not installed). */
export const EXIT_COMMAND_NOT_FOUND = 127;

/**
 * One read-only look at the host before an action, in sectioned output: $HOME, whether the
 * project directory exists, the server clock, the tmux sessions, and every run manifest with its
 * markers. The directory is resolved like resolveRemoteDir() does it: ~, ~/x, /abs, or relative to $HOME.
 */
export function hostProbeCommand(host: string, rawRemoteDir: string): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: 'look at the host: $HOME, the project directory, tmux sessions, run manifests',
    readOnly: true,
    argv: bashScriptArgv(
      'trainyard-probe',
      [
        'd=$1',
        'case $d in "~") d=$HOME ;; "~/"*) d=$HOME/${d#"~/"} ;; /*) ;; *) d=$HOME/$d ;; esac',
        field('home', '"$HOME"'),
        `if [ -d "$d" ]; then ${field('direxists', '1')}; else ${field('direxists', '0')}; fi`,
        field('now', '"$(date +%s)"'),
        section('tmux', 'tmux list-sessions -F "$2"'),
        MACHINE_KEY_SH,
        `for f in "$HOME"/${RUNS_DIR}/*.json; do`,
        '  [ -f "$f" ] || continue',
        '  b=${f%.json}',
        // a run another server of a shared home started is not this host's
        '  if [ -f "$b.machine" ]; then IFS= read -r o < "$b.machine"; [ "$o" = "$machine" ] || continue; fi',
        "  printf '@@manifest'",
        '  [ -f "$b.exit" ] && printf \' exit=%s\' "$(head -c 16 -- "$b.exit" | tr -dc 0-9)"',
        '  [ -e "$b.stopped" ] && printf \' stopped\'',
        "  printf '\\n'; head -c 1000000 -- \"$f\"; printf '\\n'",
        'done',
        field('end'),
      ],
      rawRemoteDir,
      TMUX_SESSION_FORMAT,
    ),
  };
}

export interface LaunchPayload {
  session: string;
  home: string;
  /** One line of JSON. */
  manifestJson: string;
  scriptText: string;
  /** Absolute secrets file and its text, or null when the project has no secrets. */
  secrets: { file: string; text: string; names: string[] } | null;
}

/**
 * Writes the manifest, the launch script and the secrets, then starts the tmux session with
 * remain-on-exit (the pane and its exit status outlive the command). Refuses
 * (EXIT_SESSION_EXISTS) when a session of that name exists. The tmux command line holds only
 * `bash <script path>`.
 */
export function launchCommand(host: string, payload: LaunchPayload): RemoteCommand {
  const runs = `${payload.home}/${RUNS_DIR}`;
  return {
    where: 'remote',
    host,
    purpose: `write the run manifest and script, start tmux session ${JSON.stringify(payload.session)}`,
    argv: bashScriptArgv(
      'trainyard-launch',
      [
        'set -e',
        'umask 077',
        's=$1; runs=$5; secrets=$6',
        'mkdir -p -- "$runs"',
        'if tmux has-session -t "$3" 2>/dev/null; then',
        `  printf 'trainyard: a tmux session named %s already exists on this host — pick another name\\n' "$s" >&2; exit ${EXIT_SESSION_EXISTS}`,
        'fi',
        'IFS= read -r ty_m; IFS= read -r ty_s; IFS= read -r ty_k || true',
        // whose run it is, before its manifest appears (homes may be shared between servers)
        MACHINE_KEY_SH,
        'printf \'%s\\n\' "$machine" > "$runs/$s.machine"',
        'printf %s "$ty_m" | base64 -d > "$runs/$s.json.tmp"; mv -f -- "$runs/$s.json.tmp" "$runs/$s.json"',
        'printf %s "$ty_s" | base64 -d > "$runs/$s.sh"',
        'if [ -n "$secrets" ]; then',
        '  mkdir -p -- "${secrets%/*}"; printf %s "$ty_k" | base64 -d > "$secrets.tmp"; chmod 600 -- "$secrets.tmp"; mv -f -- "$secrets.tmp" "$secrets"',
        'fi',
        'rm -f -- "$runs/$s.exit" "$runs/$s.stopped"',
        'tmux new-session -d -s "$2" -- bash "$runs/$s.sh" \\; set-option -t "$4" remain-on-exit on',
      ],
      payload.session,
      tmuxFormatLiteral(payload.session),
      sessionTarget(payload.session),
      paneTarget(payload.session),
      runs,
      payload.secrets?.file ?? '',
    ),
    stdin:
      [
        stdinLine(payload.manifestJson),
        stdinLine(payload.scriptText),
        payload.secrets ? stdinLine(payload.secrets.text) : '',
      ].join('\n') + '\n',
    stdinLabel: `the manifest and the launch script (below)${payload.secrets ? `, then ${payload.secrets.names.length} secret variable(s) ${payload.secrets.names.join(', ')} — values not shown` : ''}, each base64 on one line`,
    attachments: [
      { title: `manifest ${runFile(payload.home, payload.session, 'json')}`, text: payload.manifestJson },
      { title: `launch script ${runFile(payload.home, payload.session, 'sh')}`, text: payload.scriptText },
    ],
  };
}

/**
 * Stops a session: writes the .stopped marker first (so a watchdog never restarts what the
 * user stopped), sends Ctrl-C and waits up to graceSeconds for the command to exit; if it has
 * not, its processes (the pane's process group) are killed. The dead pane stays, like a crashed
 * or finished run's, so the stopped run stays listed and its log openable until it is removed
 * (removeEndedCommand). Prints the field "graceful 1" when Ctrl-C was enough.
 * EXIT_NO_SUCH_SESSION: no such session.
 */
export function stopCommand(host: string, session: string, graceSeconds: number): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: `stop tmux session ${JSON.stringify(session)}: mark it stopped, Ctrl-C, wait up to ${graceSeconds} s, then kill its processes (the ended session stays listed)`,
    argv: bashScriptArgv(
      'trainyard-stop',
      [
        's=$1; runs="$HOME"/' + RUNS_DIR,
        'if ! tmux has-session -t "$2" 2>/dev/null; then',
        `  printf 'trainyard: no tmux session named %s on this host\\n' "$s" >&2; exit ${EXIT_NO_SUCH_SESSION}`,
        'fi',
        'mkdir -p -- "$runs" && date -u +%Y-%m-%dT%H:%M:%SZ > "$runs/$s.stopped"',
        'tmux send-keys -t "$3" C-c',
        'pt=$3',
        // waits up to $1 tenths of a second for the pane to die; true when it did (or is gone)
        'wait_dead() { w=0; while [ "$w" -lt "$1" ]; do d=$(tmux display-message -p -t "$pt" "#{pane_dead}" 2>/dev/null) || return 0; [ "$d" = 1 ] && return 0; sleep 0.1; w=$((w + 1)); done; return 1; }',
        'graceful=0',
        'if wait_dead "$4"; then graceful=1; else',
        // the pane's command leads its process group: the whole group goes, the pane stays
        '  p=$(tmux display-message -p -t "$3" "#{pane_pid}" 2>/dev/null)',
        '  case $p in "" | *[!0-9]*) ;; *) kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null ;; esac',
        '  wait_dead 30 || tmux kill-session -t "$2" 2>/dev/null || true',
        'fi',
        field('graceful', '"$graceful"'),
      ],
      session,
      sessionTarget(session),
      paneTarget(session),
      String(Math.max(0, Math.round(graceSeconds * 10))), // in tenths: the loop polls every 0.1 s
    ),
  };
}

/**
 * Removes the sessions of ended runs, each only if its pane is dead at that moment (a session
 * alive again is never touched). Logs, manifests and exit markers stay. With markStopped, each
 * also gets the .stopped marker (the watchdog then never restarts it). Prints "removed I",
 * "alive I" or "missing I" per session, I its index in `sessions`.
 */
export function removeEndedCommand(host: string, sessions: readonly string[], markStopped: boolean): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: `remove the ended tmux session(s) ${sessions.map((s) => JSON.stringify(s)).join(', ')} (only those whose command has exited; logs and manifests stay)${markStopped ? ', marked stopped' : ''}`,
    argv: bashScriptArgv(
      'trainyard-remove-ended',
      [
        'mark=$1; shift; runs="$HOME"/' + RUNS_DIR + '; i=0',
        'while [ $# -ge 3 ]; do',
        '  s=$1; st=$2; pt=$3; shift 3',
        '  d=$(tmux display-message -p -t "$pt" "#{pane_dead}" 2>/dev/null) || { echo "missing $i"; i=$((i + 1)); continue; }',
        '  if [ "$d" != 1 ]; then echo "alive $i"; i=$((i + 1)); continue; fi',
        '  if [ "$mark" = 1 ]; then case $s in */*) ;; *) mkdir -p -- "$runs" && date -u +%Y-%m-%dT%H:%M:%SZ > "$runs/$s.stopped" ;; esac; fi',
        '  if tmux kill-session -t "$st" 2>/dev/null; then echo "removed $i"; else echo "missing $i"; fi',
        '  i=$((i + 1))',
        'done',
      ],
      markStopped ? '1' : '0',
      ...sessions.flatMap((s) => [s, sessionTarget(s), paneTarget(s)]),
    ),
  };
}

/** Prints one run's manifest (nothing when there is none). */
export function readManifestCommand(host: string, session: string): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: 'read the run manifest',
    readOnly: true,
    argv: bashScriptArgv('trainyard-manifest', [`cat -- "$HOME"/${RUNS_DIR}/"$1".json 2>/dev/null || true`], session),
  };
}

/** One session's pane state: "dead status" (used right after a launch). */
export function paneStateCommand(host: string, session: string): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: `check that session ${JSON.stringify(session)} is running`,
    readOnly: true,
    argv: ['tmux', 'display-message', '-p', '-t', paneTarget(session), '#{pane_dead} #{pane_dead_status}'],
  };
}
