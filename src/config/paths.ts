import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import path from 'node:path';

/** A `~user/…` path naming a user this machine does not know. */
export class UnknownUserError extends Error {}

/** The home directory of a user of this machine, from the passwd database (getent, then /etc/passwd). */
export function homeOfUser(name: string): string | null {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/.test(name)) return null;
  if (name === userInfo().username) return userInfo().homedir;
  let lines: string[] = [];
  try {
    lines = execFileSync('getent', ['passwd', name], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).split('\n');
  } catch {
    try {
      lines = readFileSync('/etc/passwd', 'utf8').split('\n');
    } catch {
      return null;
    }
  }
  const fields = lines.map((l) => l.split(':')).find((f) => f[0] === name && f.length >= 7);
  return fields?.[5] ? fields[5] : null;
}

/**
 * Expands a leading `~` (to `home`) or `~user` (to that user's home directory). Throws
 * UnknownUserError for a user this machine does not have: a path is never left half-expanded.
 */
export function expandHome(p: string, home = homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  const m = /^~([^/]+)(\/.*)?$/.exec(p);
  if (!m) return p;
  const userHome = homeOfUser(m[1]);
  if (userHome === null)
    throw new UnknownUserError(
      `"${p}" starts with ~${m[1]}, but this machine has no user "${m[1]}" — fix: write the full path, or ~/… for your own home`,
    );
  return m[2] ? path.join(userHome, m[2].slice(1)) : userHome;
}
