/**
 * Every command the cockpit runs on a server for the watchdog, as values (src/commands/value.ts).
 * Each is a fixed POSIX sh script run as `sh -c SCRIPT NAME ARG…`: arguments arrive as positional
 * parameters, payloads (the script, the config with the webhook URL) on stdin.
 */
import type { RemoteCommand } from '../commands/value.js';
import { MACHINE_KEY_SH, WATCHDOG_DIR, WATCHDOG_SESSION } from '../runs/layout.js';
import { shPart } from './script.js';

const script = (name: string, body: string[], ...args: string[]): string[] => [
  'sh',
  '-c',
  body.join('\n'),
  name,
  ...args,
];

/** d = this machine's watchdog directory (homes may be shared between servers), s = its tmux session. */
const DIR = `${MACHINE_KEY_SH}; d="$HOME"/${WATCHDOG_DIR}/"$machine"; s=${WATCHDOG_SESSION}`;

/** The lock functions of the watchdog itself (src/watchdog/sh/lock.sh), without its comments. */
const LOCKS = () =>
  shPart('lock')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))
    .map((l) => l.replace(/ # .*$/, ''))
    .join('\n');

/** p = the pid in the watchdog's lock when that process is alive (the running watchdog), else empty. */
const LOCK_PID = `lockpid() { lock_owner "$d/lock"; p=$R; [ -n "$p" ] && kill -0 "$p" 2>/dev/null || p=''; }`;

const NAP = 'nap() { sleep 0.1 2>/dev/null || sleep 1; }';

/** Stops the running watchdog: TERM lets it finish its interval (10 s at most), then its tmux session goes. */
const STOP_WATCHDOG = [
  'stopwd() {',
  '  lockpid; q=$p; [ -n "$q" ] && lock_alive "$q" watchdog && kill -TERM "$q" 2>/dev/null',
  '  i=0; while [ -n "$p" ] && [ $i -lt 100 ]; do nap; i=$((i + 1)); lockpid; done',
  '  i=0; while [ -n "$q" ] && kill -0 "$q" 2>/dev/null && [ $i -lt 20 ]; do nap; i=$((i + 1)); done',
  '  tmux kill-session -t "=$s" 2>/dev/null',
  '  i=0; lockpid; while [ -n "$p" ] && [ $i -lt 50 ]; do nap; i=$((i + 1)); lockpid; done',
  '}',
].join('\n');

export function readConfigCommand(host: string): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: 'read the watchdog config (to keep what this install does not change)',
    readOnly: true,
    argv: script('trainyard-watchdog-config', [DIR, '[ -r "$d/config" ] && cat "$d/config"', 'exit 0']),
  };
}

/** Writes the config (0600, atomically) from stdin; prints @@changed or @@same. */
export function writeConfigCommand(host: string, configText: string, hasWebhook: boolean): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: 'write the watchdog config (0600)',
    argv: script('trainyard-watchdog-config', [
      DIR,
      'umask 077',
      'mkdir -p "$d" || exit 1',
      'cat > "$d/config.new.$$" || exit 1',
      'chmod 600 "$d/config.new.$$"',
      'if cmp -s "$d/config.new.$$" "$d/config"; then rm -f "$d/config.new.$$"; echo @@same; else mv -f "$d/config.new.$$" "$d/config" && echo @@changed; fi',
    ]),
    stdin: configText,
    stdinLabel: `the config file${hasWebhook ? ' (with the webhook URL — not shown)' : ''}`,
    attachments: [{ title: 'config', text: configText.replace(/^webhook_url=.+$/m, 'webhook_url=(not shown)') }],
  };
}

/**
 * Installs watchdog.sh from stdin and makes sure exactly one watchdog runs in its tmux session:
 * started when none runs, restarted when the script changed (upgraded) or `restart` is 1 (a new
 * config), left alone otherwise. Installs on one machine take turns (a lock), so two at once
 * still leave one watchdog. Prints @@action started|upgraded|restarted|unchanged, @@version,
 * @@pid; on failure @@error and a non-zero exit.
 */
export function installCommand(host: string, scriptText: string, version: string, restart: boolean): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: `install watchdog ${version} in ~/${WATCHDOG_DIR}/<this machine> and run it in tmux session ${WATCHDOG_SESSION}`,
    argv: script(
      'trainyard-watchdog-install',
      [
        DIR,
        LOCKS(),
        LOCK_PID,
        NAP,
        STOP_WATCHDOG,
        'umask 077',
        'mkdir -p "$d" "$HOME/.trainyard/runs" || exit 1',
        'if ! take_lock "$d/install.lock" 60 trainyard-watchdog-install; then echo "@@error another install of the watchdog runs on this host (pid $R)"; exit 6; fi',
        'trap \'drop_lock "$d/install.lock"\' EXIT',
        'cat > "$d/watchdog.sh.new.$$" || exit 1',
        'changed=$1; upgraded=0',
        'if cmp -s "$d/watchdog.sh.new.$$" "$d/watchdog.sh"; then rm -f "$d/watchdog.sh.new.$$"; else mv -f "$d/watchdog.sh.new.$$" "$d/watchdog.sh" || exit 1; changed=1; upgraded=1; fi',
        'chmod 700 "$d/watchdog.sh"',
        "command -v tmux >/dev/null 2>&1 || { echo '@@error tmux is not installed on this host (apt-get install tmux)'; exit 3; }",
        // a pane left dead by a global remain-on-exit is no watchdog
        'alive=; dead=',
        'for x in $(tmux -u list-panes -s -t "=$s" -F "#{pane_dead}:#{pane_pid}" 2>/dev/null); do case $x in 0:*) alive=${x#0:} ;; *) dead=1 ;; esac; done',
        '[ -z "$alive" ] && [ -n "$dead" ] && tmux kill-session -t "=$s" 2>/dev/null',
        'action=unchanged',
        'if [ -n "$alive" ] && [ "$changed" = 1 ]; then',
        '  stopwd',
        '  alive=; action=restarted; [ $upgraded = 1 ] && action=upgraded',
        'fi',
        'if [ -z "$alive" ]; then',
        '  lockpid',
        '  if [ -n "$p" ]; then echo "@@error a watchdog runs outside its tmux session (pid $p): stop it, then install again"; exit 5; fi',
        '  [ "$action" = unchanged ] && action=started',
        `  tmux new-session -d -s "$s" -- sh -c 'exec sh "$1/watchdog.sh" run 2>>"$1/watchdog.log"' sh "$d" \\; set-option -t "=$s:" remain-on-exit off >/dev/null 2>&1`,
        '  i=0; lockpid; while [ -z "$p" ] && [ $i -lt 100 ]; do nap; i=$((i + 1)); lockpid; done',
        '  if [ -z "$p" ]; then echo "@@error the watchdog did not start:"; tail -n 5 "$d/watchdog.log" 2>/dev/null; exit 4; fi',
        'fi',
        'printf \'@@action %s\\n\' "$action"',
        'awk -F= \'$1 == "WATCHDOG_VERSION" { print "@@version " $2; exit }\' "$d/watchdog.sh"',
        'lockpid; printf \'@@pid %s\\n\' "$p"',
      ],
      restart ? '1' : '0',
    ),
    stdin: scriptText,
    stdinLabel: `watchdog.sh ${version} (${scriptText.length} bytes, assembled from src/watchdog/sh and src/watchdog/awk)`,
  };
}

/**
 * One look at the watchdog: clock, version, pid, its tmux pane, summary.json, and the events
 * since `since` (ISO, whole seconds) — the last `limit` of them when since is null.
 */
export function statusCommand(host: string, since: string | null, limit = 200): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: 'read the watchdog state, summary and recent events',
    readOnly: true,
    argv: script(
      'trainyard-watchdog-status',
      [
        DIR,
        LOCKS(),
        LOCK_PID,
        'printf \'@@now %s\\n\' "$(date +%s)"',
        'if [ -f "$d/watchdog.sh" ]; then awk -F= \'$1 == "WATCHDOG_VERSION" { v = $2 } END { print "@@version " v }\' "$d/watchdog.sh"; fi',
        'lockpid; printf \'@@pid %s\\n\' "$p"',
        'tmux -u list-panes -s -t "=$s" -F "@@pane #{pane_dead} #{pane_pid}" 2>/dev/null',
        'echo @@summary; cat "$d/summary.json" 2>/dev/null; printf \'\\n@@events\\n\'',
        'for f in "$d/events.1.jsonl" "$d/events.jsonl"; do [ -f "$f" ] && cat "$f"; done | awk -v since="$1" \'since == "" || substr($0, 10, 20) >= since\' | tail -n "$2"',
        'echo @@end',
      ],
      since ?? '',
      String(since === null ? limit : 1_000_000),
    ),
  };
}

/** Every event since `since` (ISO, whole seconds), or all of them. */
export function readEventsCommand(host: string, since: string | null): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: 'read the watchdog events',
    readOnly: true,
    argv: script(
      'trainyard-watchdog-events',
      [
        DIR,
        'for f in "$d/events.1.jsonl" "$d/events.jsonl"; do [ -f "$f" ] && cat "$f"; done | awk -v since="$1" \'since == "" || substr($0, 10, 20) >= since\'',
        'exit 0',
      ],
      since ?? '',
    ),
  };
}

/** Stops this machine's watchdog (its tmux session, and a copy started by hand) and removes its directory. */
export function uninstallCommand(host: string): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: `stop the watchdog and remove ~/${WATCHDOG_DIR}/<this machine> (runs and their manifests stay)`,
    argv: script('trainyard-watchdog-uninstall', [
      DIR,
      LOCKS(),
      LOCK_PID,
      NAP,
      STOP_WATCHDOG,
      'found=0',
      'lockpid; [ -n "$p" ] && found=1',
      'tmux has-session -t "=$s" 2>/dev/null && found=1',
      'stopwd',
      '[ -d "$d" ] && found=1',
      'rm -rf "$d" || exit 1',
      'printf \'@@removed %s\\n\' "$found"',
    ]),
  };
}
