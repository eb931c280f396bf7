/**
 * The one poll of a cluster shared by every trainyard process of a user: the cockpit, any number
 * of CLI commands and the MCP server. It is a small script run on demand on the login node (no
 * daemon): it serves ~/.trainyard/slurm/<cluster>.<user>.poll while that file is younger than the
 * interval, else takes a lock (mkdir, atomic) and runs squeue+sinfo once, writing the file with
 * mv (atomic). Callers arriving during a poll wait for it instead of polling too; a lock older
 * than STALE_LOCK_SECONDS (its holder was killed) is taken over.
 *
 * The file is keyed by the cluster's name from slurm.conf (homes are shared between a cluster's
 * login nodes, so two aliases of one cluster share one poll) and by user (squeue --me). Without a
 * readable slurm.conf (a configless cluster) the key is the host's alias. Reading slurm.conf costs
 * the controller nothing; `scontrol show config` would be one more RPC per call.
 */
import { field, section } from '../../commands/sectioned.js';
import { bashScriptArgv, type RemoteCommand } from '../../commands/value.js';
import { SINFO_ARGS, SQUEUE_ARGS } from '../../parsers/slurm.js';
import { shJoin } from '../../shell/quote.js';

/** Where the poll files live, under $HOME. */
export const POLL_DIR = '.trainyard/slurm';
/** A lock held longer than this is a dead poll's: the next caller takes it over. */
export const STALE_LOCK_SECONDS = 45;
/** A caller waits at most this long for another process's poll before giving up. */
export const MAX_WAIT_SECONDS = 50;

/**
 * squeue (my jobs) and sinfo (nodes), from the shared file when it is fresh. Prints the file (its
 * first line the field "polled <ms>", then the squeue and sinfo sections), then the fields
 * "age <ms>" (how old the answer is, on the login node's clock) and "served poll|file".
 */
export function clusterPollCommand(host: string, intervalMs: number): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: `poll the Slurm cluster: my jobs (squeue) and its nodes (sinfo), at most once per ${Math.round(intervalMs / 1000)} s for every trainyard process (shared file ~/${POLL_DIR}/)`,
    readOnly: true,
    argv: bashScriptArgv(
      'trainyard-slurm-poll',
      [
        'alias=$1; interval=$2',
        'umask 077',
        'cluster=',
        'for c in "${SLURM_CONF:-}" /etc/slurm/slurm.conf /etc/slurm-llnl/slurm.conf; do',
        '  [ -n "$c" ] && [ -r "$c" ] || continue',
        '  cluster=$(sed -n "s/^[[:space:]]*[Cc][Ll][Uu][Ss][Tt][Ee][Rr][Nn][Aa][Mm][Ee][[:space:]]*=[[:space:]]*\\([^[:space:]#]*\\).*/\\1/p" -- "$c" | head -n 1)',
        '  [ -n "$cluster" ] && break',
        'done',
        '[ -n "$cluster" ] || cluster=alias-$alias',
        'key=$(printf "%s.%s" "$cluster" "$(id -un)" | tr -c "A-Za-z0-9_.-" _)',
        `dir="$HOME"/${POLL_DIR}`,
        'mkdir -p -- "$dir" || exit 1',
        'f=$dir/$key.poll; lock=$dir/$key.lock',
        'ms() { date +%s%3N; }',
        // serve the file when fresh: read it once, so its stamp and its body are the same poll's
        'serve() {',
        '  data=$(cat -- "$f" 2>/dev/null) || return 1',
        "  at=${data%%$'\\n'*}; at=${at#@@polled }",
        '  case $at in "" | *[!0-9]*) return 1 ;; esac',
        '  age=$(( $(ms) - at ))',
        '  [ "$age" -ge 0 ] && [ "$age" -lt "$interval" ] || return 1',
        `  printf "%s\\n" "$data"; ${field('age', '"$age"')}; ${field('served', 'file')}`,
        '}',
        'waited=0',
        'while :; do',
        '  serve && exit 0',
        '  mkdir -- "$lock" 2>/dev/null && break',
        '  held=$(( $(date +%s) - $(stat -c %Y -- "$lock" 2>/dev/null || date +%s) ))',
        `  if [ "$held" -gt ${STALE_LOCK_SECONDS} ]; then rmdir -- "$lock" 2>/dev/null; continue; fi`,
        `  waited=$((waited + 1)); [ "$waited" -gt ${MAX_WAIT_SECONDS * 5} ] && { echo "trainyard: another process has held $lock for $held s" >&2; exit 75; }`,
        '  sleep 0.2',
        'done',
        'trap \'rmdir -- "$lock" 2>/dev/null\' EXIT',
        "trap 'exit 1' HUP INT TERM",
        'start=$(ms); tmp=$f.tmp.$$',
        `{ ${field('polled', '"$start"')}; ${section('squeue', `squeue ${shJoin(SQUEUE_ARGS)}`)}; ${section('sinfo', `sinfo ${shJoin(SINFO_ARGS)}`)}; } > "$tmp"`,
        'mv -f -- "$tmp" "$f"',
        `cat -- "$f"; ${field('age', '"$(( $(ms) - start ))"')}; ${field('served', 'poll')}`,
      ],
      host,
      String(Math.max(1, Math.round(intervalMs))),
    ),
  };
}
