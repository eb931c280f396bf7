/**
 * known_hosts answered in-process for the common file, so a fleet of hosts does not start one
 * `ssh-keygen -F` per host and file at start-up. A file of plain and hashed (`|1|salt|hash`) host
 * entries is answered here exactly as `ssh-keygen -F` answers: the lines whose host field names the
 * host. A file with anything more (a marker such as @revoked or @cert-authority, a pattern with
 * `*`, `?` or `!`, a capital letter, a line it cannot split), or a name with a capital, is left to
 * ssh-keygen (null). Each file is read once per version (size and modification time).
 */
import { createHmac } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

interface HostLine {
  /** The line as written (what ssh-keygen -F prints for a match). */
  text: string;
  /** Plain host names, or null for a hashed entry. */
  names: string[] | null;
  hashed: { salt: Buffer; hash: Buffer } | null;
}

const cache = new Map<string, { version: string; lines: HostLine[] | null }>();

function parseLine(text: string): HostLine | null | 'skip' {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return 'skip';
  const fields = trimmed.split(/\s+/);
  if (fields.length < 3 || fields[0].startsWith('@')) return null;
  const host = fields[0];
  if (host.startsWith('|')) {
    const m = /^\|1\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/.exec(host);
    if (!m) return null;
    return {
      text: trimmed,
      names: null,
      hashed: { salt: Buffer.from(m[1], 'base64'), hash: Buffer.from(m[2], 'base64') },
    };
  }
  if (/[*?!A-Z]/.test(host) || host.split(',').some((n) => n === '')) return null;
  return { text: trimmed, names: host.split(','), hashed: null };
}

/** The file's host lines, or null when something in it is for ssh-keygen to judge. */
function hostLines(file: string): HostLine[] | null {
  const st = statSync(file);
  const version = `${st.size}:${st.mtimeMs}`;
  const cached = cache.get(file);
  if (cached?.version === version) return cached.lines;
  const lines: HostLine[] = [];
  let simple = true;
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    const line = parseLine(text);
    if (line === 'skip') continue;
    if (line === null) {
      simple = false;
      break;
    }
    lines.push(line);
  }
  cache.set(file, { version, lines: simple ? lines : null });
  return simple ? lines : null;
}

/** The lines of a readable known_hosts file that name `name`, or null to ask ssh-keygen. */
export function knownHostLines(name: string, file: string): string[] | null {
  if (/[A-Z]/.test(name)) return null;
  const lines = hostLines(file);
  if (lines === null) return null;
  return lines
    .filter((l) =>
      l.hashed
        ? createHmac('sha1', l.hashed.salt).update(name).digest().equals(l.hashed.hash)
        : l.names?.includes(name),
    )
    .map((l) => l.text);
}
