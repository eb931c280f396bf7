/**
 * What the user has already seen of each host's watchdog events: a last-seen marker per host
 * alias, kept on this machine in the data directory (watchdog-seen.json).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultDataDir } from '../actions/localManifests.js';
import type { WatchdogEvent } from './events.js';

export interface SeenMarker {
  time: string;
  id: string;
}

export function defaultSeenFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(defaultDataDir(env), 'watchdog-seen.json');
}

export function loadSeen(file = defaultSeenFile()): Record<string, SeenMarker> {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, SeenMarker>;
    return typeof data === 'object' && data !== null ? data : {};
  } catch {
    return {};
  }
}

export function seenMarker(alias: string, file = defaultSeenFile()): SeenMarker | null {
  const m = loadSeen(file)[alias];
  return m && typeof m.time === 'string' && typeof m.id === 'string' ? m : null;
}

/** Marks everything up to `event` (the newest one shown) as seen on host `alias`. */
export function markSeen(alias: string, event: Pick<WatchdogEvent, 'time' | 'id'>, file = defaultSeenFile()): void {
  const all = loadSeen(file);
  all[alias] = { time: event.time, id: event.id };
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(all, null, 2) + '\n', { mode: 0o644 });
  renameSync(tmp, file);
}
