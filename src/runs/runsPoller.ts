/**
 * The Runs model kept fresh for the cockpit: one runs probe every RUNS_POLL_MS per connected host
 * with a running or queued run, every IDLE_RUNS_POLL_MS per other host, and one more soon after a
 * host's tmux sessions or run marks change (the host's sessions stream already noticed a run
 * start or end, a manifest or queue entry appear, so nothing new is polled for that). An idle
 * fleet therefore costs no exec every few seconds. Never a stream per run: a look at a host
 * reads the ends of all its live logs in the same exec.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { transportExec } from '../backends/runBackend.js';
import type { Config } from '../config/types.js';
import type { TrainyardStore } from '../state/store.js';
import type { Transport } from '../transport/types.js';
import type { CompareTable } from './compare.js';
import { compareFromHosts } from './compareRead.js';
import { fleetSummary, type HostRuns, hostRows, type RunRow } from './runsModel.js';
import { HostRunsReader } from './runsReader.js';

export const RUNS_POLL_MS = 10_000;
/**
 * A host with nothing running or queued is looked at this often: its marks already say when a run
 * starts or ends, a manifest is written or a queue entry comes or goes, so this only makes sure
 * (as the watchdog's idle look, WATCHDOG_IDLE_POLL_MS). Once a minute was 32 execs a minute for an
 * idle 32-host fleet.
 */
export const IDLE_RUNS_POLL_MS = 300_000;
/** A session change is followed by a look this much later (several changes, one look). */
const SESSIONS_CHANGED_DELAY_MS = 700;

export interface RunsPollState {
  /** Every host's rows, in host order. */
  rows: RunRow[];
  summary: string;
  /** Hosts whose runs could not be read, and why. */
  errors: Record<string, string>;
  /** null until the first look answered. */
  updatedAt: number | null;
}

export type RunsStore = StoreApi<RunsPollState>;

/** The comparison asked for last: null while it is read. */
export interface CompareState {
  name: string | null;
  table: CompareTable | null;
  errors: { host: string; error: string }[];
}

/** What the views and keys use (a test can fake it). */
export interface RunsPollerApi {
  readonly store: RunsStore;
  readonly compareStore: StoreApi<CompareState>;
  pollNow(alias?: string): Promise<void>;
  /** Reads a sweep's comparison into compareStore. */
  compare(name: string): Promise<void>;
}

export interface RunsPollerOptions {
  config: Pick<Config, 'projects'>;
  hosts: TrainyardStore;
  /** The host's transport when it is connected, else null (not polled). */
  transportFor(alias: string): Transport | null;
  intervalMs?: number;
  idleIntervalMs?: number;
  /** Called with every host's rows after each look; `complete`: every connected host has been read. */
  onRows?(rows: readonly RunRow[], complete: boolean): void;
}

export class RunsPoller implements RunsPollerApi {
  readonly store: RunsStore = createStore<RunsPollState>()(() => ({
    rows: [],
    summary: fleetSummary([]),
    errors: {},
    updatedAt: null,
  }));
  readonly compareStore = createStore<CompareState>()(() => ({ name: null, table: null, errors: [] }));
  private readonly readers = new Map<string, HostRunsReader>();
  private readonly latest = new Map<string, HostRuns>();
  private readonly inFlight = new Map<string, Promise<void>>();
  /** When each host was last looked at (ms), and the hosts with a running or queued run. */
  private readonly lookedAt = new Map<string, number>();
  private readonly busy = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private readonly soon = new Map<string, NodeJS.Timeout>();
  private unsubscribe: () => void = () => {};

  constructor(private readonly options: RunsPollerOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.pollDue(), this.options.intervalMs ?? RUNS_POLL_MS);
    this.timer.unref?.();
    let seen = this.options.hosts.getState().hosts;
    this.unsubscribe = this.options.hosts.subscribe((s) => {
      for (const [alias, h] of Object.entries(s.hosts)) {
        const before = seen[alias];
        if (before?.sessions !== h.sessions || before?.marks?.runs !== h.marks?.runs) this.pollSoon(alias);
      }
      seen = s.hosts;
    });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const t of this.soon.values()) clearTimeout(t);
    this.soon.clear();
    this.unsubscribe();
  }

  /** A comparison read now, for whoever needs one besides the pane (the sweep's end alert). */
  readComparison(name: string) {
    return compareFromHosts(this.options.config, name, this.store.getState().rows, (host) => {
      const t = this.options.transportFor(host);
      return t ? transportExec(t) : null;
    });
  }

  async compare(name: string): Promise<void> {
    this.compareStore.setState({ name, table: null, errors: [] });
    const { table, errors } = await compareFromHosts(this.options.config, name, this.store.getState().rows, (host) => {
      const t = this.options.transportFor(host);
      return t ? transportExec(t) : null;
    }).catch((error: Error) => ({ table: null, errors: [{ host: '', error: error.message }] }));
    if (this.compareStore.getState().name === name) this.compareStore.setState({ table, errors });
  }

  private pollSoon(alias: string): void {
    if (this.soon.has(alias) || !this.timer) return;
    const t = setTimeout(() => {
      this.soon.delete(alias);
      void this.pollNow(alias);
    }, SESSIONS_CHANGED_DELAY_MS);
    t.unref?.();
    this.soon.set(alias, t);
  }

  /** The hosts whose turn it is: every busy one, and idle ones not looked at for a while. */
  private pollDue(): void {
    const now = Date.now();
    const idleMs = this.options.idleIntervalMs ?? IDLE_RUNS_POLL_MS;
    for (const alias of this.options.hosts.getState().hostOrder)
      if (this.busy.has(alias) || now - (this.lookedAt.get(alias) ?? 0) >= idleMs) void this.pollHost(alias);
  }

  /** Looks at one host now (or at every connected host); resolves when the answers are in. */
  async pollNow(alias?: string): Promise<void> {
    const aliases = alias === undefined ? this.options.hosts.getState().hostOrder : [alias];
    await Promise.all(aliases.map((a) => this.pollHost(a)));
  }

  private pollHost(alias: string): Promise<void> {
    const running = this.inFlight.get(alias);
    if (running) return running;
    const transport = this.options.transportFor(alias);
    if (!transport) return Promise.resolve();
    this.lookedAt.set(alias, Date.now());
    let reader = this.readers.get(alias);
    if (!reader) {
      reader = new HostRunsReader(alias, this.options.config);
      this.readers.set(alias, reader);
    }
    const p = reader
      .read(transportExec(transport))
      .then(
        (runs) => {
          this.latest.set(alias, runs);
          this.publish(alias, null);
        },
        (error: Error) => this.publish(alias, error.message),
      )
      .finally(() => this.inFlight.delete(alias));
    this.inFlight.set(alias, p);
    return p;
  }

  private publish(alias: string, error: string | null): void {
    const order = this.options.hosts.getState().hostOrder;
    const now = Date.now();
    const rows = order.flatMap((a) => {
      const h = this.latest.get(a);
      return h ? hostRows(h, this.readers.get(a)?.pace, now) : [];
    });
    this.busy.clear();
    for (const r of rows) if (r.state === 'running' || r.state === 'queued') this.busy.add(r.host);
    const errors = { ...this.store.getState().errors };
    if (error === null) delete errors[alias];
    else errors[alias] = error;
    this.store.setState({ rows, summary: fleetSummary(rows), errors, updatedAt: now });
    const complete = order.every((a) => this.latest.has(a) || this.options.transportFor(a) === null);
    this.options.onRows?.(rows, complete);
  }
}
