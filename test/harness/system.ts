/** Machine-level helpers of the test hosts: commands, processes and their namespaces, ports, paths. */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GpuState } from './testHostTypes.js';

export const SSHD = '/usr/sbin/sshd';
export const REG_DIR = '/run/trainyard-testhosts';
export const SUBNET_PREFIX = '10.231';
export const here = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_FAKEBIN = path.resolve(here, '../fakebin');
export const DEFAULT_FIXTURES = path.resolve(here, '../fixtures/nvidia-smi/h100');

export function which(cmd: string): string | null {
  for (const d of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin'])) {
    const p = path.join(d, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

export function execP(cmd: string, args: string[], input?: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) {
        (err as Error).message += `\n${cmd} ${args.join(' ')}\n${stderr}`;
        reject(err);
      } else resolve({ stdout, stderr });
    });
    // a command that exits without reading its stdin must not crash the test run with EPIPE
    child.stdin?.on('error', () => {});
    if (input !== undefined) child.stdin?.end(input);
  });
}

/**
 * Runs a command and resolves with its output and exit code (null when it was killed, timed out
 * or could not start); never rejects. `env` adds to this process's environment.
 */
export function execStatus(
  cmd: string,
  args: string[],
  { timeoutMs = 30_000, env }: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve) => {
    const options = { timeout: timeoutMs, maxBuffer: 16 << 20, env: env ? { ...process.env, ...env } : process.env };
    execFile(cmd, args, options, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ stdout, stderr, code });
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function allPids(): number[] {
  const out: number[] = [];
  for (const n of fs.readdirSync('/proc')) if (/^\d+$/.test(n)) out.push(Number(n));
  return out;
}
export function nsOf(pid: number, type: 'uts' | 'net' | 'mnt'): string | null {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/${type}`);
  } catch {
    return null;
  }
}
/** /proc/PID/stat: [state, ppid, starttime] or null when gone */
export function procStat(pid: number): { state: string; ppid: number; start: string; comm: string } | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = s.lastIndexOf(')');
    const comm = s.slice(s.indexOf('(') + 1, close);
    const f = s.slice(close + 2).split(' ');
    return { state: f[0], ppid: Number(f[1]), start: f[19], comm };
  } catch {
    return null;
  }
}
export function alive(pid: number): boolean {
  const st = procStat(pid);
  return st !== null && st.state !== 'Z' && st.state !== 'X';
}
export function kill(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
}
export async function killAndWait(pids: number[], graceMs = 500): Promise<void> {
  for (const p of pids) kill(p, 'SIGTERM');
  const t0 = Date.now();
  let left = pids.filter(alive);
  while (left.length && Date.now() - t0 < graceMs) {
    await sleep(10);
    left = left.filter(alive);
  }
  for (const p of left) kill(p, 'SIGKILL');
  const t1 = Date.now();
  while (left.length && Date.now() - t1 < 2000) {
    await sleep(5);
    left = left.filter(alive);
  }
}
export function killSync(pids: number[]): void {
  for (const p of pids) kill(p, 'SIGKILL');
  const t0 = Date.now();
  let left = pids.filter(alive);
  while (left.length && Date.now() - t0 < 1000) {
    sleepSync(5);
    left = left.filter(alive);
  }
}
/** pids in the given namespaces (uts namespace ids and/or network namespace files) */
export function pidsInNamespaces(utsIds: Set<string>, netnsIds: Set<string>): number[] {
  const out: number[] = [];
  if (!utsIds.size && !netnsIds.size) return out;
  for (const pid of allPids()) {
    if (pid === process.pid) continue;
    const u = utsIds.size ? nsOf(pid, 'uts') : null;
    if (u && utsIds.has(u)) {
      out.push(pid);
      continue;
    }
    const n = netnsIds.size ? nsOf(pid, 'net') : null;
    if (n && netnsIds.has(n)) out.push(pid);
  }
  return out;
}
export function netnsId(name: string): string | null {
  try {
    return `net:[${fs.statSync(`/run/netns/${name}`).ino}]`;
  } catch {
    return null;
  }
}

export function gpuStateText(s: GpuState): string {
  const lines = [`mode=${s.mode ?? 'idle'}`, `count=${s.count ?? 1}`];
  if (s.util !== undefined && s.util !== null) lines.push(`util=${Array.isArray(s.util) ? s.util.join(',') : s.util}`);
  if (s.apps !== undefined) lines.push(`apps=${s.apps.join(',')}`);
  for (const [k, v] of Object.entries(s.set ?? {})) lines.push(`set.${k}=${Array.isArray(v) ? v.join(',') : v}`);
  return lines.join('\n') + '\n';
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function tryConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(t);
      s.destroy();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export class SshdStartError extends Error {}

export function readFrom(file: string, offset: number): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const buf = Buffer.alloc(Math.max(0, size - offset));
      fs.readSync(fd, buf, 0, buf.length, offset);
      return buf.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}
