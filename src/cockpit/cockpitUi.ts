/**
 * The cockpit's UI controller: what is focused, selected, open and asked, and everything a key
 * does, in plain TypeScript. The Ink views render its store and hand it every key; it splits
 * chunks into single keys and routes each, in order, to the scopes on screen.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { findAction } from '../actions/registry.js';
import type { ActionId } from '../actions/types.js';
import { latestRunOf } from '../state/actionsStore.js';
import type { PendingPrompt, TrainyardStore } from '../state/store.js';
import { Answers } from './answers.js';
import { activeScopes } from './bindings/index.js';
import { type CockpitUiState, initialState } from './cockpitState.js';
import type { CockpitController, CockpitServices } from './controller.js';
import { computeFrame, type DetailView, type Frame, frameLimits } from './frame.js';
import { helpLineCount } from './help.js';
import { type KeyFlags, type KeyPress, routeKey, splitKeys } from './keys.js';
import type { KeyTarget } from './keyTarget.js';
import { LogOpener } from './logOpener.js';
import { listHeight } from './questionForm.js';
import { RunsPane } from './runsPane.js';
import type { RunsViewState } from './runsView.js';
import { paneCounts, runSessions } from './selectors.js';
import { PANES, type PaneId, type UiAction, uiReducer } from './uiState.js';
import { mergeHistory } from './watchdogHistory.js';

/** How long quitting waits for controller.shutdown() before leaving anyway. */
export const SHUTDOWN_TIMEOUT_MS = 5000;

export type { CockpitUiState, OpenLogView } from './cockpitState.js';

export class CockpitUi implements KeyTarget {
  readonly store: StoreApi<CockpitUiState> = createStore<CockpitUiState>()(() => initialState);
  private columns = 80;
  private rows = 24;
  private readonly logs: LogOpener | null;
  private exitApp: () => void = () => {};
  /** Answers to the question or passphrase prompt on screen. */
  readonly answers: Answers;
  readonly runs: RunsPane;

  constructor(
    readonly hosts: TrainyardStore,
    readonly controller: CockpitController,
    readonly services: CockpitServices = {},
  ) {
    this.logs = services.openLog ? new LogOpener(services.openLog) : null;
    this.answers = new Answers({
      store: this.store,
      question: () => this.question(),
      prompt: () => this.prompt(),
      height: (q) => listHeight(q.question, this.rows, this.columns),
      screen: () => ({ rows: this.rows, columns: this.columns }),
      answerQuestion: (id, value) => this.services.actions?.answer(id, value),
      answerPrompt: (id, value) => this.controller.answerPrompt(id, value),
    });
    this.runs = new RunsPane({
      view: () => this.state.runsView,
      setView: (patch: Partial<RunsViewState>) => this.set({ runsView: { ...this.state.runsView, ...patch } }),
      rows: () => this.services.runs?.store.getState().rows ?? [],
      openLog: (alias, session) => this.openLogOf(alias, session, true),
      notify: (text) => this.notify(text),
      compare: this.services.runs ? (sweep) => void this.services.runs?.compare(sweep) : undefined,
    });
    const wd = this.services.watchdog;
    if (wd) {
      const merge = () => {
        const history = mergeHistory(this.state.watchdogHistory, wd.store.getState());
        if (history !== this.state.watchdogHistory) this.set({ watchdogHistory: history });
      };
      merge();
      this.unsubscribe = wd.store.subscribe(merge);
    }
  }

  private unsubscribe: () => void = () => {};

  get state(): CockpitUiState {
    return this.store.getState();
  }

  private set(patch: Partial<CockpitUiState>): void {
    this.store.setState(patch);
  }

  /** The terminal's size, as the views last drew it. */
  setViewport(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
  }

  /** How the cockpit leaves (Ink's exit), once mounted. */
  bindExit(exit: () => void): void {
    this.exitApp = exit;
  }

  // ---- what is on screen -------------------------------------------------------------------

  selectedAlias(): string | undefined {
    const order = this.hosts.getState().hostOrder;
    return order[Math.max(0, Math.min(this.state.selected, order.length - 1))];
  }

  private sessionsOf(alias: string | undefined) {
    return alias === undefined ? [] : runSessions(this.hosts.getState().hosts[alias]);
  }

  /** The session the session keys act on: the one under the cursor in Sessions, else a host's only one. */
  selectedSession(): string | undefined {
    const sessions = this.sessionsOf(this.selectedAlias());
    if (this.state.focus === 'sessions') return sessions[this.state.sessionCursor]?.name;
    return sessions.length === 1 ? sessions[0].name : undefined;
  }

  /** The question waiting for an answer (not one just answered that the runner has yet to take down). */
  question() {
    const q = this.services.actions?.store.getState().question ?? null;
    return q !== null && q.id !== this.answers.answered ? q : null;
  }

  prompt(): PendingPrompt | null {
    return this.hosts.getState().prompt;
  }

  frame(): Frame {
    const alias = this.selectedAlias();
    const host = alias === undefined ? undefined : this.hosts.getState().hosts[alias];
    const hasRun =
      alias !== undefined &&
      this.services.actions !== undefined &&
      latestRunOf(this.services.actions.store.getState(), alias) !== null;
    const { detail, runTab, actionFocus } = this.state;
    return computeFrame({
      columns: this.columns,
      rows: this.rows,
      counts: paneCounts(host),
      detail,
      runTab,
      hasRun,
      actionFocus,
    });
  }

  private limits() {
    const alias = this.selectedAlias();
    const counts = paneCounts(alias === undefined ? undefined : this.hosts.getState().hosts[alias]);
    return frameLimits(
      this.frame(),
      counts,
      this.hosts.getState().hostOrder.length,
      this.sessionsOf(alias).length,
      helpLineCount(),
    );
  }

  // ---- keys --------------------------------------------------------------------------------

  /** What the terminal delivered in one read: split into single keys, each routed in order. */
  press(input: string, key: KeyFlags): void {
    for (const p of splitKeys(input, key)) this.pressOne(p);
  }

  pressOne(press: KeyPress): void {
    if (this.state.quitting) return;
    this.services.watchdog?.dismissBanner();
    if (this.state.notice !== null) this.set({ notice: null });
    routeKey(activeScopes(this), this, press);
  }

  // ---- the panes ---------------------------------------------------------------------------

  private apply(action: UiAction): void {
    const next = uiReducer(this.state, action);
    if (next !== this.state) this.store.setState(next, true);
  }

  move(delta: number): void {
    this.apply({ type: 'move', delta, limits: this.limits() });
  }

  edge(to: 'top' | 'bottom'): void {
    this.apply({ type: 'edge', to, limits: this.limits() });
  }

  selectHost(delta: number): void {
    this.apply({ type: 'selectHost', delta, limits: this.limits() });
  }

  /** Narrow: tab keys leave the Run tab for the panes. */
  private leaveRunTab(): void {
    if (this.frame().layout.mode === 'narrow' && this.state.runTab) {
      this.closeDetail();
      this.set({ runTab: false });
    }
  }

  /** Wide: the Action pane is on screen and has the keys. */
  actionFocused(): boolean {
    return this.state.actionFocus && this.frame().actionHeight > 0;
  }

  cyclePane(delta: number): void {
    this.leaveRunTab();
    const order: (PaneId | 'action')[] = [...PANES];
    if (this.frame().actionHeight > 0) order.push('action');
    const at = order.indexOf(this.actionFocused() ? 'action' : this.state.focus);
    const next = order[(at + delta + order.length * 4) % order.length];
    if (next === 'action') return this.set({ actionFocus: true });
    this.set({ actionFocus: false });
    this.apply({ type: 'focusPane', pane: next });
  }

  focusPane(pane: PaneId): void {
    this.leaveRunTab();
    this.set({ actionFocus: false });
    this.apply({ type: 'focusPane', pane });
  }

  /** Scrolls the Action pane back (positive) or toward the newest line; null: back to following. */
  scrollAction(delta: number | null): void {
    const actionScroll = delta === null ? 0 : Math.max(0, this.state.actionScroll + delta);
    if (actionScroll !== this.state.actionScroll) this.set({ actionScroll });
  }

  toggleHelp(): void {
    this.apply({ type: 'toggleHelp' });
  }

  notify(text: string): void {
    this.set({ notice: text });
  }

  /** Esc: closes help, else the log or watchdog, else cancels the action shown running, else leaves the Run tab. */
  closeOverlay(): void {
    if (this.state.help) return this.apply({ type: 'closeOverlay' });
    if (this.state.detail !== 'none') return this.closeDetail();
    const alias = this.selectedAlias();
    const run =
      alias === undefined || !this.services.actions ? null : latestRunOf(this.services.actions.store.getState(), alias);
    if (run && this.frame().actionShown && run.status === 'running' && run.cancellable)
      return this.services.actions?.cancel(run.runId);
    if (this.state.runTab) this.set({ runTab: false });
  }

  reconnect(): void {
    const alias = this.selectedAlias();
    if (alias !== undefined) this.controller.retryNow(alias);
  }

  runAction(id: ActionId): void {
    const host = this.selectedAlias();
    const def = findAction(id);
    if (!this.services.actions) return this.notify('actions are not available here');
    if (host === undefined || !def) return;
    const session = this.selectedSession();
    if (def.needs.session && !session) return this.notify(`${def.title}: select a session (3, j/k) first`);
    this.closeDetail();
    this.set({ runTab: true, actionScroll: 0 });
    this.services.actions.start(id, { host, session: session ?? null });
  }

  // ---- log and watchdog --------------------------------------------------------------------

  private openDetail(detail: DetailView): void {
    const before = this.state.detail === 'none' ? this.state.runTab : this.state.runTabBeforeDetail;
    this.closeDetail();
    this.set({ detail, runTab: true, runTabBeforeDetail: before });
  }

  closeDetail(): void {
    const { detail, runTabBeforeDetail, logFromRuns } = this.state;
    if (detail === 'none') return;
    if (detail === 'log') this.logs?.close();
    // a log opened from the Runs pane goes back to it
    if (detail === 'log' && logFromRuns) return this.set({ detail: 'runs', log: null, logFromRuns: false });
    this.set({ detail: 'none', log: null, runTab: runTabBeforeDetail, logFromRuns: false });
  }

  toggleLog(): void {
    if (this.state.detail === 'log') return this.closeDetail();
    const host = this.selectedAlias();
    if (!this.logs || host === undefined) return this.notify('logs are not available here');
    const session = this.selectedSession();
    if (!session) return this.notify('log: select a session (3, j/k) first');
    this.openLogOf(host, session, false);
  }

  private openLogOf(host: string, session: string, fromRuns: boolean): void {
    if (!this.logs) return this.notify('logs are not available here');
    if (fromRuns) {
      // the Runs pane stays where it was: closing the log comes back to it
      this.logs.close();
      this.set({ detail: 'log', logFromRuns: true, runTab: true });
    } else this.openDetail('log');
    this.logs.open(host, session, (log) => this.set({ log }));
  }

  /** The Runs pane (every run on every host) in the detail area / back. */
  toggleRuns(): void {
    if (this.state.detail === 'runs') return this.closeDetail();
    const runs = this.services.runs;
    if (!runs) return this.notify('the runs view is not available here');
    this.openDetail('runs');
    void runs.pollNow();
  }

  toggleWatchdog(): void {
    if (this.state.detail === 'watchdog') return this.closeDetail();
    const host = this.selectedAlias();
    const wd = this.services.watchdog;
    if (!wd || host === undefined) return this.notify('the watchdog is not available here');
    this.openDetail('watchdog');
    this.set({ watchdogCursor: 0, watchdogDetail: false });
    wd.markSeen(host);
    void wd.pollNow(host).then(() => this.state.detail === 'watchdog' && wd.markSeen(host));
  }

  // ---- leaving -----------------------------------------------------------------------------

  /** controller.shutdown() (at most SHUTDOWN_TIMEOUT_MS), then leave. */
  quit(): void {
    if (this.state.quitting) return;
    this.set({ quitting: true });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SHUTDOWN_TIMEOUT_MS);
    });
    void Promise.race([Promise.resolve().then(() => this.controller.shutdown()), timeout])
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer);
        this.exitApp();
      });
  }

  /** Moves the watchdog pane's cursor through the selected host's history (null: to the oldest). */
  moveWatchdogCursor(delta: number | null): void {
    const alias = this.selectedAlias();
    const n = alias === undefined ? 0 : (this.state.watchdogHistory[alias]?.length ?? 0);
    const to = delta === null ? n - 1 : this.state.watchdogCursor + delta;
    const watchdogCursor = Math.max(0, Math.min(n - 1, to));
    if (watchdogCursor !== this.state.watchdogCursor) this.set({ watchdogCursor });
  }

  toggleWatchdogDetail(): void {
    this.set({ watchdogDetail: !this.state.watchdogDetail });
  }

  /** The views are gone: close what is open. */
  dispose(): void {
    this.unsubscribe();
    this.logs?.close();
  }
}
