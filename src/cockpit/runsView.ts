/**
 * The Runs pane's view state (cursor, sort, filter) and the pure functions the keys and the
 * view share: which rows are listed in which order, where the cursor may go, which columns fit.
 */
import { type PlannedColumn, planColumns } from '../format/columns.js';
import { RUN_COLUMNS, type RunColumn } from '../format/runs.js';
import type { RunRow } from '../runs/runsModel.js';
import { filterRuns, type RunSort, sortRuns } from '../runs/runsOrder.js';

export interface RunsViewState {
  /** The row under the cursor, by key (it stays on its run while rows come and go). */
  cursorKey: string | null;
  sort: RunSort;
  filter: string;
  /** `/` was pressed: keys are typed into the filter until Enter or Esc. */
  typing: boolean;
  /** The comparison table of this sweep is shown instead of the list. */
  compare: string | null;
}

export const initialRunsView: RunsViewState = {
  cursorKey: null,
  sort: 'state',
  filter: '',
  typing: false,
  compare: null,
};

let memo: { rows: readonly RunRow[]; sort: RunSort; filter: string; out: RunRow[] } | null = null;

/** The rows listed: filtered, then sorted (the same array while nothing changed). */
export function listedRuns(rows: readonly RunRow[], view: Pick<RunsViewState, 'sort' | 'filter'>): RunRow[] {
  if (memo && memo.rows === rows && memo.sort === view.sort && memo.filter === view.filter) return memo.out;
  const out = sortRuns(filterRuns(rows, view.filter), view.sort);
  memo = { rows, sort: view.sort, filter: view.filter, out };
  return out;
}

/** Index of the cursor's row in the list (0 when its run is gone). */
export function cursorIndex(listed: readonly RunRow[], cursorKey: string | null): number {
  if (cursorKey === null) return 0;
  const i = listed.findIndex((r) => r.key === cursorKey);
  return i === -1 ? 0 : i;
}

/** The key of the row `delta` rows from the cursor (clamped), or of the first/last row. */
export function movedCursor(
  listed: readonly RunRow[],
  cursorKey: string | null,
  to: number | 'top' | 'bottom',
): string | null {
  if (listed.length === 0) return null;
  const at = cursorIndex(listed, cursorKey);
  const next = to === 'top' ? 0 : to === 'bottom' ? listed.length - 1 : at + to;
  return listed[Math.max(0, Math.min(listed.length - 1, next))].key;
}

/** The Runs pane's columns for a width: name, state and progress always, the rest as room allows. */
export function planRunColumns(width: number): PlannedColumn<RunColumn>[] {
  return planColumns(RUN_COLUMNS, width);
}
