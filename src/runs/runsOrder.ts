/** Sorting and filtering Runs model rows: the Runs pane's keys and `trainyard runs` use the same rules. */
import { DISPLAY_STATES, type RunRow } from './runsModel.js';

export type RunSort = 'state' | 'started' | 'name' | 'host' | 'progress' | 'loss';

/** The order the sort key cycles through. */
export const RUN_SORTS: readonly RunSort[] = ['state', 'started', 'name', 'host', 'progress', 'loss'];

const stateRank = (r: RunRow) => DISPLAY_STATES.indexOf(r.state);
const newestFirst = (a: RunRow, b: RunRow) => (b.startedAt ?? Infinity) - (a.startedAt ?? Infinity);
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const lossOf = (r: RunRow) => (r.loss && Number.isFinite(r.loss.value) ? r.loss.value : Infinity);

const COMPARE: Record<RunSort, (a: RunRow, b: RunRow) => number> = {
  // live and waiting runs first, then what needs a look (crashed, stopped), then the finished
  state: (a, b) => stateRank(a) - stateRank(b) || newestFirst(a, b),
  started: newestFirst,
  name: (a, b) => byText(a.id, b.id) || byText(a.host, b.host),
  host: (a, b) => byText(a.host, b.host) || stateRank(a) - stateRank(b) || newestFirst(a, b),
  // furthest along first; runs without progress last
  progress: (a, b) => (b.progress?.percent ?? -1) - (a.progress?.percent ?? -1) || newestFirst(a, b),
  // lowest loss first; runs without one last
  loss: (a, b) => lossOf(a) - lossOf(b) || newestFirst(a, b),
};

export function sortRuns(rows: readonly RunRow[], sort: RunSort): RunRow[] {
  return [...rows].sort((a, b) => COMPARE[sort](a, b) || byText(a.key, b.key));
}

/** Rows whose name, sweep, project, host or state contains every word of the filter (any case). */
export function filterRuns(rows: readonly RunRow[], filter: string): RunRow[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...rows];
  return rows.filter((r) => {
    const hay = [r.id, r.sweep ?? '', r.project, r.host, r.state].join(' ').toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

export function nextSort(sort: RunSort): RunSort {
  return RUN_SORTS[(RUN_SORTS.indexOf(sort) + 1) % RUN_SORTS.length];
}
