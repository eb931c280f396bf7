/**
 * What a key binding may read and do: the UI controller as the key scopes see it. Bindings
 * depend on this, not on the controller's module, so the controller can route through them.
 */
import type { ActionId } from '../actions/types.js';
import type { PendingQuestion } from '../state/actionsStore.js';
import type { PendingPrompt } from '../state/store.js';
import type { Answers } from './answers.js';
import type { CockpitUiState } from './cockpitState.js';
import type { DetailKeys } from './detailViews.js';
import type { Frame } from './frame.js';
import type { RunsKeys } from './runsPane.js';
import type { PaneId } from './uiState.js';

export interface KeyTarget {
  readonly state: CockpitUiState;
  readonly answers: Answers;
  /** The Runs pane's keys. */
  readonly runs: RunsKeys;
  /** The log, Runs and watchdog views' keys. */
  readonly details: DetailKeys;
  question(): PendingQuestion | null;
  prompt(): PendingPrompt | null;
  frame(): Frame;
  actionFocused(): boolean;
  move(delta: number): void;
  edge(to: 'top' | 'bottom'): void;
  selectHost(delta: number): void;
  cyclePane(delta: number): void;
  focusPane(pane: PaneId): void;
  toggleHelp(): void;
  closeOverlay(): void;
  reconnect(): void;
  runAction(id: ActionId): void;
  scrollAction(delta: number | null): void;
  quit(): void;
}
