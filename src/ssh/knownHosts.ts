import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

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
 * Looks the host up with `ssh-keygen -F`, which understands hashed entries, patterns and
 * [host]:port exactly as ssh does — there is no maintained parser for that on npm.
 */
export async function findKnownEntries(name: string, files: string[]): Promise<KnownEntry[]> {
  const entries: KnownEntry[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const result = await execa('ssh-keygen', ['-F', name, '-f', file], { reject: false, timeout: 10_000 });
    for (const line of String(result.stdout).split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      const parts = line.trim().split(/\s+/);
      const marker = parts[0].startsWith('@') ? parts.shift()! : null;
      if (parts.length < 3) continue;
      entries.push({ file, type: parts[1], base64: parts[2], marker });
    }
  }
  return entries;
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

/** Trust on first use: appends the key the way `StrictHostKeyChecking accept-new` would. */
export function appendKnownHost(file: string, name: string, presented: { type: string; base64: string }): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, `${name} ${presented.type} ${presented.base64}\n`, { mode: 0o600 });
}

/** The host key algorithms to ask for, preferring the ones already known (as OpenSSH does). */
export function preferredHostKeyAlgorithms(entries: KnownEntry[]): string[] | undefined {
  const known = [...new Set(entries.filter((e) => e.marker === null).map((e) => e.type))];
  if (known.length === 0) return undefined;
  const expand: Record<string, string[]> = { 'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] };
  return known.flatMap((t) => expand[t] ?? [t]);
}
