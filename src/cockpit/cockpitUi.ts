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
import { DetailViews } from './detailViews.js';
import { computeFrame, type Frame, frameLimits } from './frame.js';
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
  readonly details: DetailViews;

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
    this.details = new DetailViews({
      store: this.store,
      services,
      logs: this.logs,
      selectedAlias: () => this.selectedAlias(),
      selectedSession: () => this.selectedSession(),
      notify: (text) => this.notify(text),
    });
    this.runs = new RunsPane({
      view: () => this.state.runsView,
      setView: (patch: Partial<RunsViewState>) => this.set({ runsView: { ...this.state.runsView, ...patch } }),
      rows: () => this.services.runs?.store.getState().rows ?? [],
      openLog: (alias, session) => this.details.openLogOf(alias, session, true),
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
      this.details.close();
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
    if (this.state.detail !== 'none') return this.details.close();
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
    this.details.close();
    this.set({ runTab: true, actionScroll: 0 });
    this.services.actions.start(id, { host, session: session ?? null });
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

  /** The views are gone: close what is open. */
  dispose(): void {
    this.unsubscribe();
    this.logs?.close();
  }
}
