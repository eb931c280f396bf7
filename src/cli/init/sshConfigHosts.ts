/**
 * The concrete Host aliases of an ssh_config, in file order, following Include as OpenSSH does
 * (globs, ~, paths relative to ~/.ssh). Patterns (`*`, `?`) and negations are not hosts one can
 * connect to, so they are left out; what each alias means is then asked of `ssh -G`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { expandSshPath } from '../../ssh/resolve.js';

export interface SshConfigHosts {
  aliases: string[];
  /** Host words not taken, with the reason (a pattern, a name ssh would read as an option…). */
  skipped: { word: string; why: string }[];
  /** Every file read, the given one first. */
  files: string[];
}

/** What a config may name as a host: ssh would read a leading "-" as an option. */
const CONCRETE_ALIAS = /^[A-Za-z0-9_.@%+:][A-Za-z0-9_.@%+:-]*$/;
const MAX_INCLUDE_DEPTH = 16;

/** Splits a config line into its keyword and arguments (`Key value`, `Key=value`, "quoted words"). */
export function splitConfigLine(line: string): { keyword: string; args: string[] } | null {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return null;
  const m = /^([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/.exec(trimmed);
  if (!m) return null;
  const args: string[] = [];
  for (const token of m[2].matchAll(/"([^"]*)"|(\S+)/g)) args.push(token[1] ?? token[2]);
  return { keyword: m[1].toLowerCase(), args };
}

function globSegment(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/** Expands a path whose segments may hold `*` and `?`, sorted like glob(3). */
export function expandGlob(pattern: string): string[] {
  const segments = pattern.split('/');
  let found = [segments[0] === '' ? '/' : segments[0]];
  for (const segment of segments.slice(1)) {
    if (segment === '') continue;
    const next: string[] = [];
    for (const dir of found) {
      if (!/[*?]/.test(segment)) {
        next.push(path.join(dir, segment));
        continue;
      }
      const re = globSegment(segment);
      let names: string[] = [];
      try {
        names = readdirSync(dir).filter((n) => re.test(n) && (segment.startsWith('.') || !n.startsWith('.')));
      } catch {
        // an unreadable or missing directory matches nothing, as in glob(3)
      }
      next.push(...names.sort().map((n) => path.join(dir, n)));
    }
    found = next;
  }
  return found;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Reads `file` (it must exist; included files that do not are skipped, as ssh does). */
export function listSshConfigHosts(file: string, home = userInfo().homedir): SshConfigHosts {
  const result: SshConfigHosts = { aliases: [], skipped: [], files: [] };
  const seen = new Set<string>();
  const read = (current: string, depth: number) => {
    result.files.push(current);
    for (const line of readFileSync(current, 'utf8').split(/\r?\n/)) {
      const parsed = splitConfigLine(line);
      if (!parsed) continue;
      if (parsed.keyword === 'include') {
        if (depth >= MAX_INCLUDE_DEPTH)
          throw new Error(`${current}: Include nested more than ${MAX_INCLUDE_DEPTH} deep`);
        for (const arg of parsed.args) {
          const expanded = expandSshPath(arg, home);
          const absolute = path.isAbsolute(expanded) ? expanded : path.join(home, '.ssh', expanded);
          for (const included of expandGlob(absolute)) if (isFile(included)) read(included, depth + 1);
        }
      } else if (parsed.keyword === 'host') {
        for (const word of parsed.args) {
          if (seen.has(word)) continue;
          seen.add(word);
          if (word.startsWith('!')) result.skipped.push({ word, why: 'a negation, not a host' });
          else if (/[*?]/.test(word)) result.skipped.push({ word, why: 'a pattern, not a host' });
          else if (!CONCRETE_ALIAS.test(word))
            result.skipped.push({ word, why: 'not a name trainyard can pass to ssh' });
          else if (word === 'local') result.skipped.push({ word, why: '"local" is this machine in trainyard' });
          else result.aliases.push(word);
        }
      }
    }
  };
  read(file, 0);
  return result;
}
