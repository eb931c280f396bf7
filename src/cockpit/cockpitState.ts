/** The cockpit UI controller's state: what the views draw besides the hosts' own data. */
import type { OpenLogResult } from './controller.js';
import type { DetailView } from './frame.js';
import type { ChartModel, LogViewModel } from './paneModels.js';
import type { QuestionForm } from './questionForm.js';
import { initialRunsView, type RunsViewState } from './runsView.js';
import { initialUiState, type UiState } from './uiState.js';
import type { WatchdogHistory } from './watchdogHistory.js';

export interface OpenLogView {
  alias: string;
  session: string;
  /** null while the manifest is read. */
  opened: OpenLogResult | null;
  view: LogViewModel | null;
  chart: ChartModel | null;
}

export interface CockpitUiState extends UiState {
  detail: DetailView;
  /** Narrow layout: the Run tab (action output, log or watchdog) was asked for. */
  runTab: boolean;
  /** Wide layout: the Action pane has the keys (tab reaches it while it is on screen). */
  actionFocus: boolean;
  /** Rows the Action pane is scrolled back from its newest line (0: following). */
  actionScroll: number;
  /** Where Esc from the log or watchdog goes back to (narrow: the tab it was opened from). */
  runTabBeforeDetail: boolean;
  notice: string | null;
  log: OpenLogView | null;
  quitting: boolean;
  /** Characters typed into the passphrase prompt `promptId` (the secret itself is never state). */
  passphrase: { promptId: number | null; length: number };
  /** Every watchdog event seen this session, per host, newest first. */
  watchdogHistory: WatchdogHistory;
  /** The event under the cursor in the watchdog pane, and whether it is shown whole. */
  watchdogCursor: number;
  watchdogDetail: boolean;
  form: QuestionForm | null;
  /** The Runs pane: cursor, sort, filter, comparison. */
  runsView: RunsViewState;
  /** The open log was opened from the Runs pane: closing it goes back there. */
  logFromRuns: boolean;
}

export const initialState: CockpitUiState = {
  ...initialUiState,
  detail: 'none',
  runTab: false,
  actionFocus: false,
  actionScroll: 0,
  runTabBeforeDetail: false,
  notice: null,
  log: null,
  quitting: false,
  passphrase: { promptId: null, length: 0 },
  watchdogHistory: {},
  watchdogCursor: 0,
  watchdogDetail: false,
  form: null,
  runsView: initialRunsView,
  logFromRuns: false,
};
