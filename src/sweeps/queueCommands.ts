/**
 * Reading and changing a host's queue from the laptop (layout: ./queueEntry.ts): list the
 * entries, drop some (a sweep stopped), and move one to another host (rebalancing: claim it
 * here by mv, write it there, then delete the claimed copy, or put it back when the write failed).
 * Entry names reach the scripts only as arguments; what the server prints back is parsed as data.
 */
import { field, parseSections } from '../commands/sectioned.js';
import { bashScriptArgv, type RemoteCommand } from '../commands/value.js';
import { MACHINE_KEY_SH, QUEUE_DIR } from '../runs/layout.js';
import { parseRunManifest } from '../runs/manifest.js';
import { checkedEntryName, parseQueueEntryName, type QueuedManifest } from './queueEntry.js';

/** claimQueueEntryCommand: the entry is gone (started, removed or moved by someone else first). */
export const EXIT_ENTRY_GONE = 3;

/** queued: waiting; starting: a watchdog claimed it this moment; moving: a laptop is moving it to another host. */
export type QueuedState = 'queued' | 'starting' | 'moving';

export interface ListedEntry {
  entry: string;
  runId: string;
  queuedAt: number;
  state: QueuedState;
  want: number | null;
  share: boolean;
  /** null when manifest.json is missing or unusable (`problem` says why). */
  manifest: QueuedManifest | null;
  problem: string | null;
}

export interface QueueListing {
  home: string;
  machine: string;
  entries: ListedEntry[];
}

const queueDirLines = [MACHINE_KEY_SH, `q="$HOME"/${QUEUE_DIR}/"$machine"`];

/** Every entry of the host's own queue (its machine key's directory), FIFO order, with its files. */
export function listQueueCommand(host: string): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: 'list the queued runs',
    readOnly: true,
    argv: bashScriptArgv('trainyard-queue-list', [
      ...queueDirLines,
      field('home', '"$HOME"'),
      field('machine', '"$machine"'),
      'for d in "$q"/* "$q"/.claimed-* "$q"/.moving-*; do',
      '  [ -d "$d" ] || continue',
      '  n=${d##*/}',
      '  case $n in *[[:cntrl:]]*) continue ;; esac',
      '  printf \'@@entry %s\\n\' "$n"',
      '  printf \'%s\\n\' "$(head -c 32 -- "$d/want" 2>/dev/null | tr -dc 0-9)"',
      '  if [ -e "$d/share" ]; then echo 1; else echo 0; fi',
      "  head -c 1000000 -- \"$d/manifest.json\" 2>/dev/null | tr -d '\\n'; printf '\\n'",
      'done',
      field('end'),
    ]),
  };
}

function listedEntry(name: string, lines: string[], home: string): ListedEntry | null {
  let state: QueuedState = 'queued';
  let bare = name;
  if (name.startsWith('.claimed-')) [state, bare] = ['starting', name.slice(9)];
  else if (name.startsWith('.moving-')) [state, bare] = ['moving', name.slice(8)];
  const parsed = parseQueueEntryName(bare);
  if (!parsed) return null;
  const want = /^\d{1,6}$/.test(lines[0] ?? '') ? Number(lines[0]) : null;
  const { manifest, problem } = parseRunManifest(lines[2] ?? '', home);
  return {
    entry: bare,
    ...parsed,
    state,
    want,
    share: lines[1] === '1',
    manifest: manifest ? ({ ...manifest, gpus: null, startedAt: '', by: 'queue' } as QueuedManifest) : null,
    problem: manifest ? null : `queue entry ${bare}: manifest.json ${problem}`,
  };
}

/** Parses listQueueCommand's output; null when the output is not a listing (no home/machine). */
export function parseQueueListing(output: string): QueueListing | null {
  const out = parseSections(output);
  const home = out.value('home');
  const machine = out.value('machine');
  if (home === undefined || machine === undefined) return null;
  const entries = out
    .all('entry')
    .map((s) => listedEntry(s.value, s.lines, home))
    .filter((e): e is ListedEntry => e !== null)
    .sort((a, b) => (a.entry < b.entry ? -1 : a.entry > b.entry ? 1 : 0));
  return { home, machine, entries };
}

/**
 * Drops queued entries (a sweep stopped, or the user removed them): each is claimed by mv first,
 * so an entry a watchdog is starting this moment is left to it. Prints `@@removed NAME` for each
 * one dropped and `@@gone NAME` for each that was no longer queued.
 */
export function removeQueueEntriesCommand(host: string, entries: readonly string[]): RemoteCommand {
  const names = entries.map(checkedEntryName);
  return {
    where: 'remote',
    host,
    purpose: `drop ${names.length} queued run(s) on ${host}`,
    idempotent: true,
    argv: bashScriptArgv(
      'trainyard-queue-remove',
      [
        ...queueDirLines,
        'for e in "$@"; do',
        '  if mv -- "$q/$e" "$q/.removing-$e" 2>/dev/null; then',
        '    rm -rf -- "$q/.removing-$e"',
        '    printf \'@@removed %s\\n\' "$e"',
        '  else',
        '    printf \'@@gone %s\\n\' "$e"',
        '  fi',
        'done',
      ],
      ...names,
    ),
  };
}

export function parseRemoved(output: string): { removed: string[]; gone: string[] } {
  const out = parseSections(output);
  return { removed: out.all('removed').map((s) => s.value), gone: out.all('gone').map((s) => s.value) };
}

/**
 * Claims an entry for moving it to another host: mv to `.moving-<entry>`, then prints its files
 * (want, share, manifest.json, run.sh base64). EXIT_ENTRY_GONE when the mv failed: a watchdog
 * started it, or someone else moved or removed it first. Paths in run.sh are this host's: a
 * mover rebuilds the entry for the target host (buildQueueEntry) when the homes differ.
 */
export function claimQueueEntryCommand(host: string, entry: string): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: `claim queued run ${entry} on ${host} to move it to another host`,
    argv: bashScriptArgv(
      'trainyard-queue-claim',
      [
        ...queueDirLines,
        'e=$1; d="$q/.moving-$e"',
        `mv -- "$q/$e" "$d" 2>/dev/null || exit ${EXIT_ENTRY_GONE}`,
        field('want', '"$(head -c 32 -- "$d/want" 2>/dev/null | tr -dc 0-9)"'),
        `if [ -e "$d/share" ]; then ${field('share', '1')}; else ${field('share', '0')}; fi`,
        "printf '@@manifest\\n'; head -c 1000000 -- \"$d/manifest.json\" | tr -d '\\n'; printf '\\n'",
        "printf '@@script\\n'; base64 < \"$d/run.sh\" | tr -d '\\n'; printf '\\n'",
        field('end'),
      ],
      checkedEntryName(entry),
    ),
  };
}

export interface ClaimedEntry {
  want: number | null;
  share: boolean;
  manifestJson: string;
  script: string;
}

export function parseClaimedEntry(output: string): ClaimedEntry | null {
  const out = parseSections(output);
  if (!out.has('end')) return null;
  const want = out.value('want') ?? '';
  return {
    want: /^\d{1,6}$/.test(want) ? Number(want) : null,
    share: out.value('share') === '1',
    manifestJson: out.text('manifest'),
    script: Buffer.from(out.text('script'), 'base64').toString('utf8'),
  };
}

/** After the entry was written on the other host: deletes the claimed copy here. */
export function dropMovedEntryCommand(host: string, entry: string): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: `delete ${entry} on ${host}: it was moved to another host`,
    idempotent: true,
    argv: bashScriptArgv(
      'trainyard-queue-moved',
      [...queueDirLines, 'rm -rf -- "$q/.moving-$1"'],
      checkedEntryName(entry),
    ),
  };
}

/** The write on the other host failed: the claimed entry goes back into this host's queue. */
export function restoreMovedEntryCommand(host: string, entry: string): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: `put ${entry} back into the queue on ${host} (the move failed)`,
    idempotent: true,
    argv: bashScriptArgv(
      'trainyard-queue-restore',
      [...queueDirLines, '[ -d "$q/.moving-$1" ] || exit 0', 'mv -- "$q/.moving-$1" "$q/$1"'],
      checkedEntryName(entry),
    ),
  };
}
