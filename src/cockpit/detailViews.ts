/**
 * The detail area's views — the log, the Runs pane and the watchdog — opened over the Run tab and
 * closed back to what was there before (a log opened from the Runs pane closes back to it).
 */
import type { StoreApi } from 'zustand/vanilla';
import type { CockpitUiState } from './cockpitState.js';
import type { CockpitServices } from './controller.js';
import type { DetailView } from './frame.js';
import type { LogOpener } from './logOpener.js';

export interface DetailDeps {
  store: StoreApi<CockpitUiState>;
  services: CockpitServices;
  logs: LogOpener | null;
  selectedAlias(): string | undefined;
  selectedSession(): string | undefined;
  notify(text: string): void;
}

/** The detail keys, as the key bindings see them. */
export interface DetailKeys {
  toggleLog(): void;
  toggleRuns(): void;
  toggleWatchdog(): void;
  moveWatchdogCursor(delta: number | null): void;
  toggleWatchdogDetail(): void;
}

export class DetailViews implements DetailKeys {
  constructor(private readonly deps: DetailDeps) {}

  private get state(): CockpitUiState {
    return this.deps.store.getState();
  }

  private set(patch: Partial<CockpitUiState>): void {
    this.deps.store.setState(patch);
  }

  private open(detail: DetailView): void {
    const before = this.state.detail === 'none' ? this.state.runTab : this.state.runTabBeforeDetail;
    this.close();
    this.set({ detail, runTab: true, runTabBeforeDetail: before });
  }

  close(): void {
    const { detail, runTabBeforeDetail, logFromRuns } = this.state;
    if (detail === 'none') return;
    if (detail === 'log') this.deps.logs?.close();
    if (detail === 'watchdog') this.deps.services.watchdog?.focus?.(null);
    if (detail === 'log' && logFromRuns) return this.set({ detail: 'runs', log: null, logFromRuns: false });
    this.set({ detail: 'none', log: null, runTab: runTabBeforeDetail, logFromRuns: false });
  }

  toggleLog(): void {
    if (this.state.detail === 'log') return this.close();
    const host = this.deps.selectedAlias();
    if (!this.deps.logs || host === undefined) return this.deps.notify('logs are not available here');
    const session = this.deps.selectedSession();
    if (!session) return this.deps.notify('log: select a session (3, j/k) first');
    this.openLogOf(host, session, false);
  }

  openLogOf(host: string, session: string, fromRuns: boolean): void {
    const logs = this.deps.logs;
    if (!logs) return this.deps.notify('logs are not available here');
    if (fromRuns) {
      // the Runs pane stays where it was: closing the log comes back to it
      logs.close();
      this.set({ detail: 'log', logFromRuns: true, runTab: true });
    } else this.open('log');
    logs.open(host, session, (log) => this.set({ log }));
  }

  toggleRuns(): void {
    if (this.state.detail === 'runs') return this.close();
    const runs = this.deps.services.runs;
    if (!runs) return this.deps.notify('the runs view is not available here');
    this.open('runs');
    void runs.pollNow();
  }

  toggleWatchdog(): void {
    if (this.state.detail === 'watchdog') return this.close();
    const host = this.deps.selectedAlias();
    const wd = this.deps.services.watchdog;
    if (!wd || host === undefined) return this.deps.notify('the watchdog is not available here');
    this.open('watchdog');
    this.set({ watchdogCursor: 0, watchdogDetail: false });
    wd.focus?.(host);
    wd.markSeen(host);
    void wd.pollNow(host).then(() => this.state.detail === 'watchdog' && wd.markSeen(host));
  }

  /** Moves the watchdog pane's cursor through the selected host's history (null: to the oldest). */
  moveWatchdogCursor(delta: number | null): void {
    const alias = this.deps.selectedAlias();
    const n = alias === undefined ? 0 : (this.state.watchdogHistory[alias]?.length ?? 0);
    const to = delta === null ? n - 1 : this.state.watchdogCursor + delta;
    const watchdogCursor = Math.max(0, Math.min(n - 1, to));
    if (watchdogCursor !== this.state.watchdogCursor) this.set({ watchdogCursor });
  }

  toggleWatchdogDetail(): void {
    this.set({ watchdogDetail: !this.state.watchdogDetail });
  }
}
