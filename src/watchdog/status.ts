/** The watchdog part of `trainyard status --json` for one host: summary plus unread events. */
import type { Transport } from '../transport/types.js';
import { eventsAfter, type WatchdogEvent } from './events.js';
import { readWatchdogState } from './operations.js';
import { stampedWatchdogScript } from './script.js';
import { defaultSeenFile, seenMarker } from './seen.js';
import type { WatchdogSummary } from './summary.js';

export interface WatchdogStatus {
  installed: boolean;
  running: boolean;
  version: string | null;
  /** The installed script is the one this trainyard ships (else: `trainyard watchdog install` upgrades it). */
  upToDate: boolean;
  pid: number | null;
  summary: WatchdogSummary | null;
  /** Seconds since the watchdog last wrote its summary (server clock), or null. */
  summaryAgeSeconds: number | null;
  /** Running, but the summary is older than three intervals (+10 s): the watchdog is stuck. */
  stale: boolean;
  /** Events after the last-seen marker of this host (oldest first, at most maxUnread). */
  unread: WatchdogEvent[];
  unreadCount: number;
  /** Why the watchdog could not be asked, or null. */
  error: string | null;
}

export interface WatchdogStatusOptions {
  /** The local file with the last-seen markers (default: the data dir's watchdog-seen.json). */
  seenFile?: string;
  maxUnread?: number;
}

/**
 * One exec over the host's transport. Never throws: an unreachable host or a failing command
 * comes back as `error`. Mark what was shown as seen with markSeen(alias, lastEvent).
 */
export async function watchdogStatusFor(
  transport: Transport,
  alias: string,
  options: WatchdogStatusOptions = {},
): Promise<WatchdogStatus> {
  const maxUnread = options.maxUnread ?? 50;
  const marker = seenMarker(alias, options.seenFile ?? defaultSeenFile());
  try {
    const state = await readWatchdogState(transport, alias, marker?.time ?? null, marker ? undefined : maxUnread);
    const unread = eventsAfter(state.events, marker);
    const age = state.summary && state.now !== null ? Math.max(0, state.now - state.summary.epoch) : null;
    return {
      installed: state.installed,
      running: state.running,
      version: state.version,
      upToDate: state.version === stampedWatchdogScript().version,
      pid: state.pid,
      summary: state.summary,
      summaryAgeSeconds: age,
      stale: state.running && age !== null && state.summary !== null && age > state.summary.interval * 3 + 10,
      unread: unread.slice(-maxUnread),
      unreadCount: unread.length,
      error: null,
    };
  } catch (error) {
    return {
      installed: false,
      running: false,
      version: null,
      upToDate: false,
      pid: null,
      summary: null,
      summaryAgeSeconds: null,
      stale: false,
      unread: [],
      unreadCount: 0,
      error: (error as Error).message,
    };
  }
}
