import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../packageRoot.js';

/** The watchdog script as it ships (src/watchdog/watchdog.sh, version "dev"). */
export function watchdogScriptSource(): string {
  return readFileSync(path.join(packageRoot(), 'src', 'watchdog', 'watchdog.sh'), 'utf8');
}

/**
 * The script as installed: its WATCHDOG_VERSION line stamped with the package version and a hash
 * of the script, so any change of the script is a new version and `install` upgrades in place.
 */
export function stampedWatchdogScript(source = watchdogScriptSource()): { text: string; version: string } {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  const version = `${pkg.version}+${createHash('sha256').update(source).digest('hex').slice(0, 10)}`;
  if (!/^WATCHDOG_VERSION=dev$/m.test(source)) throw new Error('watchdog.sh has no "WATCHDOG_VERSION=dev" line to stamp');
  return { text: source.replace(/^WATCHDOG_VERSION=dev$/m, `WATCHDOG_VERSION=${version}`), version };
}
