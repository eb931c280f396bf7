import type { WatchdogStatus } from '../../src/watchdog/status.js';

/** A running, up-to-date watchdog with nothing unread, changed by `overrides`. */
export function watchdogStatus(overrides: Partial<WatchdogStatus> = {}): WatchdogStatus {
  return {
    installed: true,
    running: true,
    version: '1',
    upToDate: true,
    pid: 1,
    summary: null,
    summaryAgeSeconds: 1,
    stale: false,
    unread: [],
    unreadCount: 0,
    error: null,
    ...overrides,
  };
}
