/**
 * The server-side queue, laptop side: one queue entry is one run waiting for free GPUs on a host,
 * started later by that host's watchdog (src/watchdog/sh/queue.sh) exactly like a launch.
 *
 *   ~/.trainyard/queue/<machine>/<entry>/    <entry> = <13-digit queuedAt ms>-<runId>: sorted = FIFO
 *       manifest.json   one line: the run's manifest with gpus null, startedAt "" and by "queue"
 *       run.sh          the launch script; CUDA_VISIBLE_DEVICES comes from "$ty_gpus", which the
 *                       watchdog sets right below RUN_SCRIPT_MARKER when it starts the run
 *       want            how many GPUs the run needs (one integer line)
 *       share           present when the run may share a GPU with another run
 *   ~/.trainyard/sweeps/<sweep>/stopped      present: the sweep drains (no queued run of it starts)
 *
 * <machine> is the server's machine key (MACHINE_KEY_SH): homes may be shared between servers, and
 * each watchdog takes entries only from its own machine's directory. Every change of an entry is
 * one `mv` of its directory: written in a dot-named temp dir and moved in; claimed by moving it to
 * `.claimed-<entry>` (the watchdog starting it), `.moving-<entry>` (rebalancing to another host) or
 * `.removing-<entry>` (dropped). Whoever's mv fails lost the race. Names starting with a dot are
 * never queued entries. The list, remove and move commands are in ./queueCommands.ts.
 */
import { type LaunchRequest, launchScriptFor } from '../backends/runBackend.js';
import { GPUS_FROM_WATCHDOG } from '../commands/runScript.js';
import { field } from '../commands/sectioned.js';
import { bashScriptArgv, type RemoteCommand, stdinLine } from '../commands/value.js';
import { MACHINE_KEY_SH, QUEUE_DIR, REMOTE_HOME_DIR, type RunManifest, runFile } from '../runs/layout.js';

export const SWEEPS_DIR = `${REMOTE_HOME_DIR}/sweeps`;

/** writeQueueEntryCommand: an entry of that name is already queued on the host. */
export const EXIT_ENTRY_EXISTS = 17;

/** A sweep name the watchdog honours (a directory name under SWEEPS_DIR); others are never used as paths. */
export const PLAIN_SWEEP_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** A queued run's manifest: what the launch would write, before a watchdog gives it GPUs and a start time. */
export type QueuedManifest = RunManifest & { gpus: null; startedAt: ''; by: 'queue'; sweep?: string | null };

export interface QueueEntrySpec {
  /** The run as a launch would start it; its gpus are ignored (the watchdog assigns them). */
  launch: LaunchRequest;
  /** GPUs the run needs, at least 1. */
  want: number;
  /** The run may share a GPU with another run (the project allows it). */
  share: boolean;
  /** When it was queued, ms since the epoch: the FIFO order. */
  queuedAt: number;
}

export interface QueueEntry {
  /** The entry's directory name. */
  entry: string;
  manifest: QueuedManifest;
  /** manifest.json's text (one line). */
  manifestJson: string;
  /** run.sh's text. */
  script: string;
  want: number;
  share: boolean;
  /** Written beside the entry (0600) when the project has secrets, as a launch writes it. */
  secrets: LaunchRequest['secrets'];
}

/** `<13-digit queuedAt ms>-<runId>`. */
export function queueEntryName(queuedAt: number, runId: string): string {
  if (!Number.isInteger(queuedAt) || queuedAt < 0 || queuedAt > 9_999_999_999_999)
    throw new Error(`queuedAt ${queuedAt} is not a time in ms that fits 13 digits`);
  return `${String(queuedAt).padStart(13, '0')}-${runId}`;
}

/** The time and run id of an entry name, or null when it is not one (dot names, temp dirs, junk). */
export function parseQueueEntryName(name: string): { queuedAt: number; runId: string } | null {
  const m = /^(\d{13})-([^/\u0000-\u001f\u007f]+)$/.exec(name);
  return m ? { queuedAt: Number(m[1]), runId: m[2] } : null;
}

/** Throws unless `name` is an entry name that is safe as one path component. */
export function checkedEntryName(name: string): string {
  const parsed = parseQueueEntryName(name);
  if (!parsed || parsed.runId === '..' || Buffer.byteLength(name) > 255)
    throw new Error(`${JSON.stringify(name)} is not a queue entry name (<13-digit ms>-<run id>)`);
  return name;
}

/** The files of one queue entry for a launch request. */
export function buildQueueEntry(spec: QueueEntrySpec): QueueEntry {
  const q = spec.launch;
  if (!Number.isInteger(spec.want) || spec.want < 1)
    throw new Error(`a queued run wants a whole number of GPUs, at least 1 (got ${spec.want})`);
  const sweep = (q.manifest as { sweep?: unknown }).sweep;
  if (sweep != null && (typeof sweep !== 'string' || !PLAIN_SWEEP_NAME.test(sweep)))
    throw new Error(`sweep name ${JSON.stringify(sweep)} is not plain (letters, digits, - and _)`);
  const entry = checkedEntryName(queueEntryName(spec.queuedAt, q.id));
  const manifest: QueuedManifest = {
    ...q.manifest,
    session: q.id,
    gpus: null,
    startedAt: '',
    by: 'queue',
    script: runFile(q.home, q.id, 'sh'),
  };
  const script = launchScriptFor(q, GPUS_FROM_WATCHDOG);
  return {
    entry,
    manifest,
    manifestJson: JSON.stringify(manifest),
    script,
    want: spec.want,
    share: spec.share,
    secrets: q.secrets,
  };
}

/**
 * Writes an entry into the host's queue: the files in a dot-named temp dir, then one mv into
 * place, so a watchdog never sees half an entry. Writes the project's secrets file too (as a
 * launch does): the run sources it when it starts. Prints `@@machine KEY` and `@@watchdog 1`
 * when a watchdog holds its lock on this machine (0: nothing will start the entry).
 * EXIT_ENTRY_EXISTS when an entry of that name is queued already.
 */
export function writeQueueEntryCommand(host: string, e: QueueEntry): RemoteCommand {
  const entry = checkedEntryName(e.entry);
  return {
    where: 'remote',
    host,
    purpose: `queue run ${JSON.stringify(e.manifest.session)} on ${host} (${e.want} GPU${e.want === 1 ? '' : 's'}${e.share ? ', may share' : ''}): the watchdog starts it when GPUs are free`,
    idempotent: false,
    argv: bashScriptArgv(
      'trainyard-queue-write',
      [
        'set -e',
        'umask 077',
        'e=$1; want=$2; share=$3; secrets=$4',
        MACHINE_KEY_SH,
        `q="$HOME"/${QUEUE_DIR}/"$machine"`,
        'mkdir -p -- "$q"',
        'if [ -e "$q/$e" ]; then',
        `  printf 'trainyard: queue entry %s is already queued on this host\\n' "$e" >&2; exit ${EXIT_ENTRY_EXISTS}`,
        'fi',
        't="$q/.new-$e.$$"',
        'rm -rf -- "$t"; mkdir -- "$t"',
        'IFS= read -r ty_m; IFS= read -r ty_s; IFS= read -r ty_k || true',
        'printf %s "$ty_m" | base64 -d > "$t/manifest.json"',
        'printf %s "$ty_s" | base64 -d > "$t/run.sh"',
        'printf \'%s\\n\' "$want" > "$t/want"',
        'if [ "$share" = 1 ]; then : > "$t/share"; fi',
        'if [ -n "$secrets" ]; then',
        '  mkdir -p -- "${secrets%/*}"; printf %s "$ty_k" | base64 -d > "$secrets.tmp"; chmod 600 -- "$secrets.tmp"; mv -f -- "$secrets.tmp" "$secrets"',
        'fi',
        'mv -- "$t" "$q/$e"',
        field('machine', '"$machine"'),
        `l=$(readlink -- "$HOME"/${REMOTE_HOME_DIR}/watchdog/"$machine"/lock 2>/dev/null || true)`,
        `if [ -n "$l" ] && kill -0 "$l" 2>/dev/null; then ${field('watchdog', '1')}; else ${field('watchdog', '0')}; fi`,
      ],
      entry,
      String(e.want),
      e.share ? '1' : '0',
      e.secrets?.file ?? '',
    ),
    stdin:
      [stdinLine(e.manifestJson), stdinLine(e.script), e.secrets ? stdinLine(e.secrets.text) : ''].join('\n') + '\n',
    stdinLabel: `the manifest and the launch script (below)${e.secrets ? `, then ${e.secrets.names.length} secret variable(s) ${e.secrets.names.join(', ')} — values not shown` : ''}, each base64 on one line`,
    attachments: [
      { title: `queue entry ${entry}: manifest.json`, text: e.manifestJson },
      { title: `queue entry ${entry}: run.sh`, text: e.script },
    ],
  };
}
