import { homedir } from 'node:os';
import path from 'node:path';

/** Expands a leading ~ to the user's home directory. */
export function expandHome(p: string, home = homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  return p;
}
