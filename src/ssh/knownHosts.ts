import { createHmac, randomBytes } from 'node:crypto';
import { accessSync, appendFileSync, constants, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadExeca } from '../shell/loadExeca.js';
import { knownHostLines } from './knownHostsFile.js';

export type HostKeyVerdict = { kind: 'known' } | { kind: 'unknown' } | { kind: 'changed'; file: string; line: string };

/** The name known_hosts uses: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** The algorithm name and base64 body of a raw SSH public key blob (what the server presents). */
export function describeKeyBlob(blob: Buffer): { type: string; base64: string } {
  const length = blob.readUInt32BE(0);
  return { type: blob.subarray(4, 4 + length).toString('latin1'), base64: blob.toString('base64') };
}

export interface KnownEntry {
  file: string;
  type: string;
  base64: string;
  marker: string | null;
}

/**
 * A known_hosts lookup that could not be done. The host is then refused: a key that cannot be
 * checked is never treated as unknown (that would let trust-on-first-use append an attacker's key).
 * `failure` is what the connection shows as the host's state.
 */
export class HostKeyLookupError extends Error {
  readonly failure: { state: 'hostkey-unknown'; error: string; hint: string };
  constructor(name: string, why: string, fix: string) {
    super(`cannot check the host key of ${name}: ${why} — refused (a key that cannot be checked is never trusted)`);
    this.name = 'HostKeyLookupError';
    this.failure = { state: 'hostkey-unknown', error: this.message, hint: `fix: ${fix}` };
  }
}

export interface LookupOptions {
  /** The ssh-keygen program (tests point it elsewhere). */
  sshKeygen?: string;
  timeoutMs?: number;
}

/** 'missing' (ssh treats that as empty), 'ok', or why the known_hosts file cannot be read. */
function readability(file: string): 'missing' | 'ok' | string {
  try {
    if (statSync(file).isDirectory()) return `${file} is a directory, not a known_hosts file`;
    accessSync(file, constants.R_OK);
    return 'ok';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    return `${file} cannot be read (${code ?? (error as Error).message})`;
  }
}

/**
 * Looks the host up: a file of plain and hashed entries in-process (knownHostsFile.ts), anything
 * more with `ssh-keygen -F`, which understands patterns and markers exactly as ssh does — there is
 * no maintained parser for that on npm (a test compares the two on the same files).
 * Throws HostKeyLookupError when any file cannot be searched: ssh-keygen's "no match" (exit 1)
 * is the only answer read as "not in this file".
 */
export async function findKnownEntries(
  name: string,
  files: string[],
  options: LookupOptions = {},
): Promise<KnownEntry[]> {
  const program = options.sshKeygen ?? 'ssh-keygen';
  const timeout = options.timeoutMs ?? 10_000;
  const entries: KnownEntry[] = [];
  for (const file of files) {
    const state = readability(file);
    if (state === 'missing') continue;
    if (state !== 'ok')
      throw new HostKeyLookupError(
        name,
        state,
        `make ${file} a readable file, or point UserKnownHostsFile / GlobalKnownHostsFile in your ssh_config elsewhere`,
      );
    const before = entries.length;
    const here = inProcess(name, file);
    if (here !== null) {
      entries.push(...here.map((line) => entryOf(file, line)).filter((e) => e !== null));
      continue;
    }
    const { execa } = await loadExeca();
    const result = await execa(program, ['-F', name, '-f', file], { reject: false, timeout, stdin: 'ignore' });
    const stderr = String(result.stderr ?? '')
      .trim()
      .split('\n')[0];
    if (result.code === 'ENOENT' || (result.failed && result.exitCode === undefined && !result.timedOut)) {
      throw new HostKeyLookupError(
        name,
        `${program} could not be run (${result.code ?? result.shortMessage})`,
        `install OpenSSH's client tools so that ssh-keygen is on PATH`,
      );
    }
    if (result.timedOut)
      throw new HostKeyLookupError(
        name,
        `${program} -F did not answer within ${timeout} ms for ${file}`,
        `check that ${file} is a local, readable file`,
      );
    if (result.exitCode === 1 && stderr === '') continue;
    if (result.exitCode !== 0) {
      throw new HostKeyLookupError(
        name,
        `${program} -F ${file} failed (exit ${result.exitCode ?? result.signal}${stderr ? `: ${stderr}` : ''})`,
        `check that ${file} is a valid known_hosts file`,
      );
    }
    for (const line of String(result.stdout).split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      const entry = entryOf(file, line);
      if (entry) entries.push(entry);
    }
    if (entries.length === before)
      throw new HostKeyLookupError(
        name,
        `${program} -F reported a match in ${file} but printed no key`,
        `check that ${file} is a valid known_hosts file`,
      );
  }
  return entries;
}

/** The in-process answer, or null for ssh-keygen (also when the file cannot be read here: ssh-keygen then says why). */
function inProcess(name: string, file: string): string[] | null {
  try {
    return knownHostLines(name, file);
  } catch {
    return null;
  }
}

/** One known_hosts line as an entry (a marker first, then host, type, key), or null when it has too few fields. */
function entryOf(file: string, line: string): KnownEntry | null {
  const parts = line.trim().split(/\s+/);
  const marker = parts[0].startsWith('@') ? parts.shift()! : null;
  if (parts.length < 3) return null;
  return { file, type: parts[1], base64: parts[2], marker };
}

export function judgeHostKey(presented: { type: string; base64: string }, entries: KnownEntry[]): HostKeyVerdict {
  if (entries.some((e) => e.marker === '@revoked' && e.base64 === presented.base64)) {
    const e = entries.find((x) => x.marker === '@revoked')!;
    return { kind: 'changed', file: e.file, line: 'revoked key' };
  }
  const usable = entries.filter((e) => e.marker === null);
  if (usable.some((e) => e.type === presented.type && e.base64 === presented.base64)) return { kind: 'known' };
  if (usable.length === 0) return { kind: 'unknown' };
  return { kind: 'changed', file: usable[0].file, line: `${usable[0].type} ${usable[0].base64.slice(0, 24)}…` };
}

/** `|1|salt|hash`: the hashed host name OpenSSH writes under `HashKnownHosts yes` (HMAC-SHA1 keyed by a random salt). */
export function hashKnownHostsName(name: string, salt: Buffer = randomBytes(20)): string {
  const hash = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
}

/**
 * Trust on first use: appends the key the way `StrictHostKeyChecking accept-new` would, hashed when
 * asked. A key that cannot be recorded is not trusted: the error says why, and the host is refused.
 */
export function appendKnownHost(
  file: string | undefined,
  name: string,
  presented: { type: string; base64: string },
  hashed = false,
): void {
  if (file === undefined) {
    throw new Error(
      `the new host key of ${name} cannot be recorded: UserKnownHostsFile is none — refused; fix: set UserKnownHostsFile in your ssh_config, or add the key to GlobalKnownHostsFile`,
    );
  }
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    appendFileSync(file, `${hashed ? hashKnownHostsName(name) : name} ${presented.type} ${presented.base64}\n`, {
      mode: 0o600,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(
      `the new host key of ${name} cannot be recorded in ${file} (${code}) — refused; fix: make ${file} writable, or add the key with ssh -F <your ssh_config> <alias> true`,
    );
  }
}

/** The host key algorithms to ask for, preferring the ones already known (as OpenSSH does). */
export function preferredHostKeyAlgorithms(entries: KnownEntry[]): string[] | undefined {
  const known = [...new Set(entries.filter((e) => e.marker === null).map((e) => e.type))];
  if (known.length === 0) return undefined;
  const expand: Record<string, string[]> = { 'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] };
  return known.flatMap((t) => expand[t] ?? [t]);
}
