/**
 * The watchdog script is assembled from small parts: the sh files in src/watchdog/sh/ in the
 * order below, with the awk programs of src/watchdog/awk/ embedded as single-quoted shell
 * variables after the head (full-line comments dropped). The server gets one file.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { grammarAwk } from '../logs/grammarAwk.js';
import { packageRoot } from '../packageRoot.js';
import { MACHINE_KEY_SH } from '../runs/layout.js';

/** The sh parts, in the order they make the script. */
export const WATCHDOG_SH_PARTS = [
  'head',
  'util',
  'config',
  'lock',
  'state',
  'observe',
  'run',
  'restart',
  'queue',
  'host',
  'loop',
] as const;

/** Shell variable -> awk program file. AWK_GRAMMAR, the training-log grammar, is generated from src/logs/grammar.ts. */
export const WATCHDOG_AWK_PROGRAMS = {
  AWK_JSON: 'json',
  AWK_MANIFEST: 'manifest',
  AWK_SCAN: 'scan',
  AWK_RESTART: 'restart',
  AWK_EVENTS: 'events',
  AWK_PUSH_BODY: 'push-body',
  AWK_SUMMARY: 'summary',
  AWK_REDACT: 'redact',
  AWK_QUEUE: 'queue',
} as const;

export function watchdogAssetDir(): string {
  return path.join(packageRoot(), 'src', 'watchdog');
}

/** One awk program as it is embedded: without its full-line comments. */
export function awkProgram(name: string): string {
  const text = readFileSync(path.join(watchdogAssetDir(), 'awk', `${name}.awk`), 'utf8');
  return stripAwkComments(text, `${name}.awk`);
}

function stripAwkComments(text: string, what: string): string {
  const code = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\n+$/, '');
  if (code.includes("'")) throw new Error(`${what} has a ' in its code: write \\047 (it is embedded in single quotes)`);
  return code;
}

/** One sh part as it is (the install command sends the lock functions too). */
export function shPart(name: (typeof WATCHDOG_SH_PARTS)[number]): string {
  return readFileSync(path.join(watchdogAssetDir(), 'sh', `${name}.sh`), 'utf8').replace(/\n*$/, '\n');
}

/** The watchdog script as it ships (version "dev"). */
export function watchdogScriptSource(): string {
  const programs: [string, string][] = [
    ...Object.entries(WATCHDOG_AWK_PROGRAMS).map(([variable, file]): [string, string] => [variable, awkProgram(file)]),
    ['AWK_GRAMMAR', stripAwkComments(grammarAwk(), 'the generated grammar')],
  ];
  const awk = programs.map(([variable, code]) => `${variable}='\n${code}\n'\n`);
  const [head, ...rest] = WATCHDOG_SH_PARTS;
  const headText = shPart(head);
  if (!headText.includes('@MACHINE_KEY_SH@\n')) throw new Error('sh/head.sh has no @MACHINE_KEY_SH@ line');
  return [
    headText.replace('@MACHINE_KEY_SH@\n', `${MACHINE_KEY_SH}\n`),
    '\n# awk programs (src/watchdog/awk/, assembled by src/watchdog/script.ts)\n',
    ...awk,
    '\n',
    rest.map(shPart).join('\n'),
  ].join('');
}

/**
 * The script as installed: its WATCHDOG_VERSION line stamped with the package version and a hash
 * of the script, so any change of the script is a new version and `install` upgrades in place.
 */
export function stampedWatchdogScript(source?: string): { text: string; version: string } {
  // The shipped script cannot change while the process runs; the status poll asks every host for it.
  if (source === undefined) return (shipped ??= stamp(watchdogScriptSource()));
  return stamp(source);
}
let shipped: { text: string; version: string } | undefined;

function stamp(source: string): { text: string; version: string } {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  const version = `${pkg.version}+${createHash('sha256').update(source).digest('hex').slice(0, 10)}`;
  if (!/^WATCHDOG_VERSION=dev$/m.test(source))
    throw new Error('watchdog.sh has no "WATCHDOG_VERSION=dev" line to stamp');
  return { text: source.replace(/^WATCHDOG_VERSION=dev$/m, `WATCHDOG_VERSION=${version}`), version };
}
