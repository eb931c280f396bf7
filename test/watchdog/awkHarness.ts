/** Runs the watchdog's awk programs here, under each awk this machine has (mawk, gawk, busybox awk). */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { watchdogScriptSource } from '../../src/watchdog/script.js';
import { tempDir } from '../support/tempDir.js';

/** The assembled script in a temp file (what `watchdog install` sends, unstamped). */
export function assembledWatchdogScript(): string {
  const file = path.join(tempDir('ty-wd-'), 'watchdog.sh');
  writeFileSync(file, watchdogScriptSource(), { mode: 0o700 });
  return file;
}

export interface Awk {
  name: string;
  argv: string[];
}

const CANDIDATES: Awk[] = [
  { name: 'mawk', argv: ['mawk'] },
  { name: 'gawk', argv: ['gawk'] },
  { name: 'busybox awk', argv: ['busybox', 'awk'] },
];

/** The awks found on this machine; under CI all three must be there. */
export function availableAwks(): Awk[] {
  const found = CANDIDATES.filter(
    (a) =>
      spawnSync(a.argv[0], a.argv[0] === 'busybox' ? ['awk', 'BEGIN{}'] : ['BEGIN{}'], { stdio: 'ignore' }).status ===
      0,
  );
  if (process.env.CI && found.length < CANDIDATES.length) {
    throw new Error(
      `the awk matrix needs mawk, gawk and busybox (found: ${found.map((a) => a.name).join(', ') || 'none'}); .ci/run installs them`,
    );
  }
  return found;
}

/** Runs `program` (awk source) under `awk` with LC_ALL=C as the watchdog does; returns stdout as bytes. */
export function runAwk(
  awk: Awk,
  program: string,
  options: {
    input?: string | Buffer;
    files?: string[];
    env?: Record<string, string>;
    vars?: Record<string, string>;
  } = {},
): Buffer {
  const vars = Object.entries(options.vars ?? {}).flatMap(([k, v]) => ['-v', `${k}=${v}`]);
  return execFileSync(awk.argv[0], [...awk.argv.slice(1), ...vars, program, ...(options.files ?? [])], {
    input: options.input ?? '',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', ...options.env },
    maxBuffer: 64 * 1024 * 1024,
  });
}
