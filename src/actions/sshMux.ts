/**
 * rsync's shared ssh connection per host (ControlMaster): its socket lives in a 0700 directory
 * of this user; before a sync uses it, one round trip through it proves its link is alive — a
 * kept master whose link died (sleep, roaming, VPN) would otherwise make rsync hang, then fail.
 * Without a safe directory, each rsync simply opens its own connection.
 */
import { lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { muxCheckArgv, muxPingArgv, muxStartArgv, muxStopArgv } from '../commands/rsync.js';
import { loadExeca } from '../shell/loadExeca.js';

function safeDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    const uid = process.getuid?.();
    return st.isDirectory() && (uid === undefined || st.uid === uid) && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** The ControlPath for rsync's ssh (%C: ssh's hash of host, port and user), or null. */
export function controlPathFor(env: NodeJS.ProcessEnv = process.env): string | null {
  const uid = process.getuid?.() ?? 'u';
  const candidates = [
    env.XDG_RUNTIME_DIR ? path.join(env.XDG_RUNTIME_DIR, 'trainyard') : null,
    path.join(tmpdir(), `trainyard-${uid}`),
  ];
  for (const dir of candidates) {
    // sun_path holds 104-108 bytes: %C expands to 40, and ssh adds a 17-byte suffix while it binds
    if (dir && Buffer.byteLength(dir) <= 40 && safeDir(dir)) return path.join(dir, 'cm-%C');
  }
  return null;
}

// No pipes: a mux client hands its stdio to the master, so pipes would stay open as long as the master lives.
const run = async (argv: string[], timeoutMs: number) =>
  (await loadExeca()).execa(argv[0], argv.slice(1), {
    reject: false,
    stdio: 'ignore',
    timeout: timeoutMs,
    forceKillAfterDelay: 500,
  });

/**
 * Gets the shared connection ready while the action does other things (its probe): an alive one
 * is kept, a dead one is replaced, none is opened — so rsync itself pays no handshake. Whatever
 * happens here, rsync still works (ControlMaster=auto opens its own connection if need be).
 */
export async function prepareSharedConnection(
  sshConfig: string,
  controlPath: string,
  host: string,
): Promise<'alive' | 'started' | 'replaced' | 'unavailable'> {
  const [file, ...args] = muxCheckArgv(sshConfig, controlPath, host);
  const { execa } = await loadExeca();
  const check = await execa(file, args, { reject: false, stdin: 'ignore', timeout: 3000 });
  let replaced = false;
  if (check.exitCode === 0) {
    if ((await run(muxPingArgv(sshConfig, controlPath, host), 3000)).exitCode === 0) return 'alive';
    await run(muxStopArgv(sshConfig, controlPath, host), 3000);
    // The old master would linger until its keepalives give up: end it now ("Master running (pid=N)").
    const pid = Number(/pid=(\d+)/.exec(String(check.stderr))?.[1]);
    if (pid > 1) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    replaced = true;
  }
  const started = await run(muxStartArgv(sshConfig, controlPath, host), 20_000);
  if (started.exitCode !== 0) return 'unavailable';
  return replaced ? 'replaced' : 'started';
}
