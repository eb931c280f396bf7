/**
 * rsync command values for sync (code up) and pull (results down). Remote paths travel inside
 * rsync's protocol (-s), never through the server's shell, so odd directory names are data.
 */
import { shJoin } from '../shell/quote.js';

/** Never synced up by default: VCS, trackers, caches, environments, outputs, checkpoints, weights. */
export const DEFAULT_SYNC_EXCLUDES: readonly string[] = [
  '.git/',
  '.hg/',
  '.svn/',
  'wandb/',
  'mlruns/',
  'lightning_logs/',
  '__pycache__/',
  '*.pyc',
  '.mypy_cache/',
  '.pytest_cache/',
  '.ruff_cache/',
  '.ipynb_checkpoints/',
  '.cache/',
  '.venv/',
  'venv/',
  '.tox/',
  'node_modules/',
  '.DS_Store',
  'outputs/',
  'results/',
  'checkpoints/',
  'checkpoint-*/',
  '*.ckpt',
  '*.pt',
  '*.pth',
  '*.bin',
  '*.safetensors',
  '*.h5',
  '*.onnx',
  '*.gguf',
];

/** Never pulled down by default: checkpoints and weights (multi-GB, they stay on the server). */
export const DEFAULT_PULL_EXCLUDES: readonly string[] = [
  'checkpoint-*/',
  '*.safetensors',
  '*.bin',
  '*.pt',
  '*.pth',
  '*.ckpt',
  '*.gguf',
];

export class RsyncArgumentError extends Error {}

/** How long rsync's shared ssh connection to a host stays open after its last use. */
export const CONTROL_PERSIST_SECONDS = 300;

/**
 * rsync's -e value. rsync splits it itself on spaces and understands '…' and "…" but no
 * backslash, so shQuote's output is right for it unless a path holds a single quote. With a
 * control path, rsync to a host shares one ssh connection (ControlMaster) kept for
 * CONTROL_PERSIST_SECONDS: the passes of a sync, and the next sync, pay no handshake. Server
 * keepalives end a master whose link died (sleep, roaming); src/actions/sshMux.ts checks it too.
 */
export function rsyncRsh(sshConfig: string, controlPath: string | null = null): string {
  for (const p of [sshConfig, controlPath ?? '']) {
    if (p.includes("'")) {
      throw new RsyncArgumentError(
        `the path ${JSON.stringify(p)} contains a single quote, which rsync's -e option cannot carry — fix: move the file (or set "sshConfig") to a path without '`,
      );
    }
  }
  return shJoin([
    'ssh',
    '-F',
    sshConfig,
    '-o',
    'BatchMode=yes',
    ...(controlPath ? muxOptions('auto', controlPath) : []),
  ]);
}

function muxOptions(master: 'auto' | 'yes', controlPath: string): string[] {
  return [
    '-o',
    `ControlMaster=${master}`,
    '-o',
    `ControlPath=${controlPath}`,
    '-o',
    `ControlPersist=${CONTROL_PERSIST_SECONDS}`,
    '-o',
    'ServerAliveInterval=10',
    '-o',
    'ServerAliveCountMax=3',
  ];
}

/** Opens the shared connection ahead of rsync (returns once authenticated, the master stays in the background). */
export function muxStartArgv(sshConfig: string, controlPath: string, host: string): string[] {
  return ['ssh', '-F', sshConfig, '-o', 'BatchMode=yes', ...muxOptions('yes', controlPath), '-f', '-N', '--', host];
}

/** ssh -O check: is a shared connection open on this control path? (local, no network) */
export function muxCheckArgv(sshConfig: string, controlPath: string, host: string): string[] {
  return ['ssh', '-F', sshConfig, '-o', `ControlPath=${controlPath}`, '-O', 'check', '--', host];
}

/** One round trip through the shared connection (it answers only when its link is alive). */
export function muxPingArgv(sshConfig: string, controlPath: string, host: string): string[] {
  return [
    'ssh',
    '-F',
    sshConfig,
    '-o',
    `ControlPath=${controlPath}`,
    '-o',
    'ControlMaster=no',
    '-o',
    'BatchMode=yes',
    '--',
    host,
    'true',
  ];
}

/**
 * Makes the shared connection stop taking new sessions at once (it removes its socket), so the
 * next rsync opens a fresh one; `-O exit` would first wait for the dead link to close.
 */
export function muxStopArgv(sshConfig: string, controlPath: string, host: string): string[] {
  return ['ssh', '-F', sshConfig, '-o', `ControlPath=${controlPath}`, '-O', 'stop', '--', host];
}

/** The exit code of a transfer pass that only counted deletions it did not make. */
export const RSYNC_MAX_DELETE_EXIT = 25;

/** N from "Deletions stopped due to --max-delete limit (N skipped)", or null. */
export function skippedDeletions(line: string): number | null {
  const m = /--max-delete limit \((\d+) skipped\)/.exec(line);
  return m ? Number(m[1]) : null;
}

/** "alias:/path/" for a server, "/path/" for the local machine as a host. */
export function rsyncEndpoint(host: string | null, dir: string): string {
  const withSlash = dir.endsWith('/') ? dir : `${dir}/`;
  return host === null ? withSlash : `${host}:${withSlash}`;
}

export interface SyncArgs {
  /** The ssh_config alias, or null for the local machine. */
  host: string | null;
  sshConfig: string;
  localDir: string;
  /** Absolute directory on the server. */
  remoteDir: string;
  /** Exclude patterns: defaults and the project's own. */
  excludes: readonly string[];
  /** rsync patterns (anchored at the transfer root) never deleted: a live run's outputs. */
  protect: readonly string[];
  /** ssh ControlPath shared by the passes (see rsyncRsh), or null for a connection each. */
  controlPath?: string | null;
}

/**
 * The passes of a sync. "transfer" copies and never deletes: --max-delete=-1 makes rsync only
 * count what --delete would remove ("Deletions stopped due to --max-delete limit (N skipped)",
 * exit 25); -1 rather than 0, which rsync before 3.0 read as "no limit". Only when N > 0,
 * "list-deletions" — a dry run in which --existing --ignore-existing skip every update — names
 * them; deleteApprovedArgv then removes exactly the names the user approved.
 */
export type SyncPass = 'transfer' | 'list-deletions';

function filterArgs(args: Pick<SyncArgs, 'excludes' | 'protect'>): string[] {
  return [
    ...args.protect.map((p) => `--filter=P ${p}`),
    ...args.excludes.map((e) => `--exclude=${e}`),
    // .gitignore files, per directory, as exclude rules (what `git status` ignores is not code)
    '--filter=:- .gitignore',
  ];
}

export function syncArgv(args: SyncArgs, pass: SyncPass): string[] {
  const argv = ['rsync', '-a', '-z', '-s'];
  if (args.host !== null) argv.push('-e', rsyncRsh(args.sshConfig, args.controlPath ?? null));
  if (pass === 'transfer')
    argv.push('--no-inc-recursive', '--info=progress2', '--stats', '--delete', '--max-delete=-1');
  if (pass === 'list-deletions')
    argv.push('--dry-run', '--delete', '--existing', '--ignore-existing', '--itemize-changes');
  argv.push(...filterArgs(args), rsyncEndpoint(null, args.localDir), rsyncEndpoint(args.host, args.remoteDir));
  return argv;
}

/**
 * A filter pattern that matches exactly this name (bytes). rsync reads a backslash as an escape
 * only in a pattern that holds a wildcard, so one is escaped only then (with every backslash).
 */
export function literalPattern(name: Buffer): Buffer {
  const text = name.toString('latin1'); // one char per byte: the ASCII specials keep their place
  return /[*?[]/.test(text) ? Buffer.from(text.replace(/[*?[\\]/g, '\\$&'), 'latin1') : name;
}

/**
 * The rules file of the delete pass (read with --from0: NUL-terminated, so a name may hold any
 * byte but NUL): each approved path may go ("R /path", anchored at the transfer root), everything
 * else is protected ("P *"). A file created after the user said yes, even inside an approved
 * directory, matches only "P *" and stays (the directory with it, as non-empty).
 */
export function approvedDeletionRules(approved: readonly Buffer[]): Buffer {
  const rules = approved.flatMap((p) => [Buffer.from('R /'), literalPattern(p), Buffer.from([0])]);
  return Buffer.concat([...rules, Buffer.from('P *\0')]);
}

/**
 * The delete pass: removes on the server exactly the paths the rules file allows, nothing else.
 * A live run's protect rules come first and still win. The .gitignore merge is left out: --from0
 * would read .gitignore files as NUL-terminated too, and "P *" already keeps every other file.
 */
export function deleteApprovedArgv(args: SyncArgs, rulesFile: string): string[] {
  const argv = ['rsync', '-a', '-z', '-s', '--from0'];
  if (args.host !== null) argv.push('-e', rsyncRsh(args.sshConfig, args.controlPath ?? null));
  argv.push('--delete', '--existing', '--ignore-existing', '--itemize-changes', '--stats');
  argv.push(
    ...args.protect.map((p) => `--filter=P ${p}`),
    `--filter=merge ${rulesFile}`,
    ...args.excludes.map((e) => `--exclude=${e}`),
  );
  argv.push(rsyncEndpoint(null, args.localDir), rsyncEndpoint(args.host, args.remoteDir));
  return argv;
}

export interface PullArgs {
  host: string | null;
  sshConfig: string;
  /** Absolute results directory on the server. */
  remoteDir: string;
  localDir: string;
  excludes: readonly string[];
  controlPath?: string | null;
}

/** Results down: never deletes here, never overwrites a file that is newer here (-u). */
export function pullArgv(args: PullArgs): string[] {
  const argv = ['rsync', '-a', '-z', '-s', '-u'];
  if (args.host !== null) argv.push('-e', rsyncRsh(args.sshConfig, args.controlPath ?? null));
  argv.push('--no-inc-recursive', '--info=progress2', '--stats', '--itemize-changes');
  argv.push(
    ...args.excludes.map((e) => `--exclude=${e}`),
    rsyncEndpoint(args.host, args.remoteDir),
    rsyncEndpoint(null, args.localDir),
  );
  return argv;
}
