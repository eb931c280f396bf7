/**
 * The watchdog's timeline: ~/.trainyard/watchdog/events.jsonl on each server, one JSON object per
 * line, appended once per transition. `time` comes first in every line, so the server filters
 * by time with a plain string comparison (see readEventsCommand).
 */

export type WatchdogEventKind =
  | 'watchdog-started'
  | 'running'
  | 'finished'
  | 'crashed'
  | 'lost'
  | 'stopped'
  | 'stalled'
  | 'silent'
  | 'recovered'
  | 'diverged'
  | 'oom'
  | 'traceback'
  | 'nccl-timeout'
  | 'disk-full'
  | 'disk-ok'
  | 'restart-scheduled'
  | 'restarted'
  | 'restart-failed'
  | 'restart-limit'
  | 'restart-cancelled'
  /** The queue (src/watchdog/sh/queue.sh): a queued run started, dropped (its sweep stopped) or could not start. */
  | 'queue-start'
  | 'queue-dropped'
  | 'queue-failed'
  /** A sweep's runs failed N times in a row: its queued runs do not start. */
  | 'sweep-failing'
  /** Not the watchdog's: an action an agent ran over MCP, from this machine's record (src/mcp/agentActions.ts). */
  | 'agent-action';

export type WatchdogEventLevel = 'info' | 'warn' | 'error';

export interface WatchdogEvent {
  /** ISO 8601 UTC, whole seconds (the server's clock). */
  time: string;
  /** Unique on its host: "<epoch>-<watchdog pid>-<sequence>". */
  id: string;
  /** The server's hostname (uname -n). */
  host: string;
  /** The run's tmux session, or null for host events (disk, watchdog). */
  session: string | null;
  project: string | null;
  kind: WatchdogEventKind;
  level: WatchdogEventLevel;
  detail: string;
  /** The watchdog pushed it to the webhook: the cockpit must not alert again. */
  pushed: boolean;
}

const LEVELS = new Set(['info', 'warn', 'error']);

function asEvent(v: unknown): WatchdogEvent | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (
    typeof o.time !== 'string' ||
    typeof o.id !== 'string' ||
    typeof o.kind !== 'string' ||
    typeof o.detail !== 'string'
  )
    return null;
  return {
    time: o.time,
    id: o.id,
    host: typeof o.host === 'string' ? o.host : '',
    session: typeof o.session === 'string' ? o.session : null,
    project: typeof o.project === 'string' ? o.project : null,
    kind: o.kind as WatchdogEventKind,
    level: typeof o.level === 'string' && LEVELS.has(o.level) ? (o.level as WatchdogEventLevel) : 'info',
    detail: o.detail,
    pushed: o.pushed === true,
  };
}

/**
 * Parses events.jsonl text; a torn or foreign line is skipped, never fatal. The strings are the
 * server's, exactly (a detail may hold a real ESC once its \u001b is parsed): they reach a
 * screen only through the one sanitiser (src/cli/print.ts, the Ink rows), and --json escapes them.
 */
export function parseEvents(text: string): WatchdogEvent[] {
  const events: WatchdogEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const e = asEvent(JSON.parse(line));
      if (e) events.push(e);
    } catch {
      // a line cut by a full disk or a rotation: skip it
    }
  }
  return events;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/**
 * `--since`: an ISO time ("2026-11-23T08:00:00Z", "2026-11-23") or a duration back from now
 * ("8h", "30m", "2d", "1h30m", "90s", "1w"). Returns null when it is neither.
 */
export function parseSince(value: string, now: Date = new Date()): Date | null {
  const v = value.trim();
  if (/^(\d+(\.\d+)?[smhdw])+$/.test(v)) {
    let seconds = 0;
    for (const m of v.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)) seconds += Number(m[1]) * UNIT_SECONDS[m[2]];
    return new Date(now.getTime() - seconds * 1000);
  }
  if (!/^\d{4}-\d\d-\d\d/.test(v)) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t);
}

/** The form events use (and the server compares with): ISO UTC, whole seconds. */
export function eventTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Events after the one the user saw last; every event when there is no marker. */
export function eventsAfter(
  events: readonly WatchdogEvent[],
  marker: { time: string; id: string } | null,
): WatchdogEvent[] {
  if (!marker) return [...events];
  const i = events.findIndex((e) => e.id === marker.id);
  if (i >= 0) return events.slice(i + 1);
  return events.filter((e) => e.time > marker.time || (e.time === marker.time && e.id !== marker.id));
}

function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** One line of `trainyard events`: local time, host, session, kind, detail. */
export function formatEvent(e: WatchdogEvent, alias: string): string {
  const mark = e.level === 'error' ? '!!' : e.level === 'warn' ? ' !' : '  ';
  return `${localTime(e.time)} ${mark} ${alias.padEnd(10)} ${(e.session ?? '—').padEnd(16)} ${e.kind.padEnd(17)} ${e.detail}${e.pushed ? '  (pushed)' : ''}`;
}
