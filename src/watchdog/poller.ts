/**
 * Polls each connected host's watchdog (summary and unread events) for the cockpit, into a small
 * store of its own: every 30 s, or, where the host's sessions stream gives a change mark (its
 * events file and lock), within seconds of a change and otherwise every WATCHDOG_IDLE_POLL_MS.
 * A NEW event that needs a person (crash, OOM, NaN, stall, silence, full disk, restart limit...)
 * rings the terminal bell once and raises a one-line banner until the next key. A finish, a start
 * or a stop by the user is good news or expected, and does neither.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Transport } from '../transport/types.js';
import type { WatchdogEvent, WatchdogEventKind } from './events.js';
import { defaultSeenFile, markSeen } from './seen.js';
import { type WatchdogStatus, watchdogStatusFor } from './status.js';

export const WATCHDOG_POLL_MS = 30_000;
/** With change marks: how often they are compared, and how often a host is asked anyway. */
export const WATCHDOG_MARK_CHECK_MS = 3_000;
export const WATCHDOG_IDLE_POLL_MS = 300_000;

/** What needs a person: these ring the bell, raise the banner and count in the header's ⚠. */
export const ALERT_KINDS: ReadonlySet<WatchdogEventKind> = new Set<WatchdogEventKind>([
  'crashed',
  'lost',
  'stalled',
  'silent',
  'diverged',
  'oom',
  'traceback',
  'nccl-timeout',
  'disk-full',
  'restart-failed',
  'restart-limit',
  'queue-failed',
  'sweep-failing',
]);

export interface WatchdogHostView {
  status: WatchdogStatus | null;
  checkedAt: number | null;
  /** The events the user was last shown (marked seen when the pane opened). */
  shown: WatchdogEvent[];
}

export interface WatchdogBanner {
  alias: string;
  text: string;
}

export interface WatchdogViewState {
  hosts: Record<string, WatchdogHostView>;
  banner: WatchdogBanner | null;
}

export type WatchdogViewStore = StoreApi<WatchdogViewState>;

/** What the views use (a test can fake it). */
export interface WatchdogPollerApi {
  readonly store: WatchdogViewStore;
  /** Asks the host now (the pane opening). */
  pollNow(alias: string): Promise<void>;
  /** Marks the host's unread events seen; they stay in `shown`. */
  markSeen(alias: string): void;
  /** The host whose watchdog is on screen (asked every interval whatever its marks say), or null. */
  focus?(alias: string | null): void;
  dismissBanner(): void;
}

export interface WatchdogPollerOptions {
  aliases: readonly string[];
  /** The host's transport when it is connected, else null (not polled). */
  transportFor(alias: string): Transport | null;
  intervalMs?: number;
  /** The host's watchdog change mark, or null while it has none (then it is asked every intervalMs). */
  changeMark?(alias: string): string | null;
  idleIntervalMs?: number;
  seenFile?: string;
  /** Rings the terminal bell (default: \x07 on stdout). */
  bell?: () => void;
  statusFor?: typeof watchdogStatusFor;
  /** Pushes new alerts the server did not push itself (pushed: false); each event once. */
  push?: (text: string) => void;
}

export function totalUnread(state: WatchdogViewState): number {
  let n = 0;
  for (const h of Object.values(state.hosts)) n += h.status?.unreadCount ?? 0;
  return n;
}

export class WatchdogPoller implements WatchdogPollerApi {
  readonly store: WatchdogViewStore;
  private timer: NodeJS.Timeout | null = null;
  private readonly known = new Map<string, Set<string>>();
  private readonly inFlight = new Set<string>();
  /** When each host was last asked, and its change mark then. */
  private readonly asked = new Map<string, { at: number; mark: string | null }>();
  private focused: string | null = null;
  private readonly seenFile: string;

  constructor(private readonly options: WatchdogPollerOptions) {
    this.seenFile = options.seenFile ?? defaultSeenFile();
    const hosts: Record<string, WatchdogHostView> = {};
    for (const a of options.aliases) hosts[a] = { status: null, checkedAt: null, shown: [] };
    this.store = createStore<WatchdogViewState>()(() => ({ hosts, banner: null }));
  }

  start(): void {
    if (this.timer) return;
    const intervalMs = this.options.intervalMs ?? WATCHDOG_POLL_MS;
    const tick = () => {
      for (const a of this.options.aliases) if (this.due(a, intervalMs)) void this.pollNow(a);
    };
    const checkMs = this.options.changeMark ? Math.min(WATCHDOG_MARK_CHECK_MS, intervalMs) : intervalMs;
    this.timer = setInterval(tick, checkMs);
    this.timer.unref?.();
    // The first look once the connections had a moment to come up.
    setTimeout(tick, 5_000).unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private due(alias: string, intervalMs: number): boolean {
    const last = this.asked.get(alias);
    if (!last) return true;
    const mark = this.options.changeMark?.(alias) ?? null;
    const age = Date.now() - last.at;
    if (mark === null || last.mark === null || alias === this.focused) return age >= intervalMs;
    return mark !== last.mark || age >= (this.options.idleIntervalMs ?? WATCHDOG_IDLE_POLL_MS);
  }

  focus(alias: string | null): void {
    this.focused = alias;
  }

  async pollNow(alias: string): Promise<void> {
    const transport = this.options.transportFor(alias);
    if (!transport || this.inFlight.has(alias)) return;
    this.inFlight.add(alias);
    this.asked.set(alias, { at: Date.now(), mark: this.options.changeMark?.(alias) ?? null });
    try {
      const status = await (this.options.statusFor ?? watchdogStatusFor)(transport, alias, { seenFile: this.seenFile });
      this.record(alias, status);
    } finally {
      this.inFlight.delete(alias);
    }
  }

  /** Stores a status; new alarming events ring the bell once and raise the banner. */
  record(alias: string, status: WatchdogStatus): void {
    const first = !this.known.has(alias);
    const known = this.known.get(alias) ?? new Set<string>();
    this.known.set(alias, known);
    const fresh = status.unread.filter((e) => !known.has(e.id));
    for (const e of status.unread) known.add(e.id);
    const alarming = first ? [] : fresh.filter((e) => ALERT_KINDS.has(e.kind) && !e.pushed);
    this.store.setState((s) => ({
      hosts: { ...s.hosts, [alias]: { shown: s.hosts[alias]?.shown ?? [], status, checkedAt: Date.now() } },
      banner: alarming.length ? { alias, text: bannerText(alias, alarming) } : s.banner,
    }));
    if (alarming.length) {
      (this.options.bell ?? (() => process.stdout.write('\x07')))();
      this.options.push?.(
        alarming.map((e) => `${alias} ${e.session ?? ''} ${e.kind}: ${e.detail}`.replace(/\s+/g, ' ')).join('\n'),
      );
    }
  }

  markSeen(alias: string): void {
    const h = this.store.getState().hosts[alias];
    const unread = h?.status?.unread ?? [];
    const last = unread.at(-1);
    if (last) {
      try {
        markSeen(alias, last, this.seenFile);
      } catch {
        // a read-only data dir: they stay unread next time
      }
    }
    this.store.setState((s) => {
      const cur = s.hosts[alias];
      if (!cur) return s;
      return {
        hosts: {
          ...s.hosts,
          [alias]: {
            ...cur,
            shown: unread.length ? unread : cur.shown,
            status: cur.status ? { ...cur.status, unread: [], unreadCount: 0 } : null,
          },
        },
      };
    });
  }

  dismissBanner(): void {
    if (this.store.getState().banner) this.store.setState({ banner: null });
  }
}

export function bannerText(alias: string, events: readonly WatchdogEvent[]): string {
  const e = events[events.length - 1];
  const more = events.length > 1 ? ` (+${events.length - 1})` : '';
  return `⚠ ${alias}: ${e.session ?? 'host'} ${e.kind}${e.detail ? ` — ${e.detail}` : ''}${more}`;
}
