/**
 * Every watchdog event the cockpit has seen this session, per host, newest first: the watchdog
 * pane scrolls through them after they were read, so a crash's reason can be read again.
 */
import type { WatchdogEvent, WatchdogEventKind } from '../watchdog/events.js';
import { ALERT_KINDS, type WatchdogViewState } from '../watchdog/poller.js';

/** Events kept per host. */
export const HISTORY_KEPT = 500;

/** What needs a person: the ⚠ count and the alert tone. A finish, a start or a stop by the user is not one. */
export const NEEDS_A_PERSON: ReadonlySet<WatchdogEventKind> = ALERT_KINDS;

export function isAlert(e: WatchdogEvent): boolean {
  return NEEDS_A_PERSON.has(e.kind);
}

/** Unread events that need a person, over all hosts (the header's ⚠). */
export function unreadAlerts(state: WatchdogViewState): number {
  let n = 0;
  for (const h of Object.values(state.hosts)) for (const e of h.status?.unread ?? []) if (isAlert(e)) n++;
  return n;
}

export type WatchdogHistory = Readonly<Record<string, readonly WatchdogEvent[]>>;

/** The history with the events the watchdog store now holds merged in (the same object when nothing is new). */
export function mergeHistory(history: WatchdogHistory, state: WatchdogViewState): WatchdogHistory {
  let next: Record<string, readonly WatchdogEvent[]> | null = null;
  for (const [alias, h] of Object.entries(state.hosts)) {
    const known = history[alias] ?? [];
    const ids = new Set(known.map((e) => e.id));
    const fresh = [...(h.status?.unread ?? []), ...h.shown].filter((e) => !ids.has(e.id) && (ids.add(e.id), true));
    if (fresh.length === 0) continue;
    next ??= { ...history };
    next[alias] = [...known, ...fresh]
      .sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0))
      .slice(0, HISTORY_KEPT);
  }
  return next ?? history;
}
