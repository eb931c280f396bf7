/**
 * What the Runs pane's keys do: move the cursor, cycle the sort, type a filter, open a run's log,
 * show its sweep's comparison. The cursor follows its run (by key) as rows come and go.
 */
import type { RunRow } from '../runs/runsModel.js';
import { nextSort } from '../runs/runsOrder.js';
import type { KeyPress } from './keys.js';
import { cursorIndex, listedRuns, movedCursor, type RunsViewState } from './runsView.js';

export interface RunsPaneDeps {
  view(): RunsViewState;
  setView(patch: Partial<RunsViewState>): void;
  /** Every run the model holds now. */
  rows(): readonly RunRow[];
  openLog(alias: string, session: string): void;
  notify(text: string): void;
  /** Asks for a sweep's comparison (the view shows it when it arrives). */
  compare?(sweep: string): void;
}

/** The keys' side of the Runs pane, as the bindings see it. */
export interface RunsKeys {
  readonly typing: boolean;
  readonly filtered: boolean;
  readonly comparing: boolean;
  move(delta: number | 'top' | 'bottom'): void;
  cycleSort(): void;
  startFilter(): void;
  type(press: KeyPress): void;
  eraseFilter(): void;
  finishFilter(): void;
  clearFilter(): void;
  open(): void;
  compare(): void;
  closeCompare(): void;
}

export class RunsPane implements RunsKeys {
  constructor(private readonly deps: RunsPaneDeps) {}

  get typing(): boolean {
    return this.deps.view().typing;
  }

  get filtered(): boolean {
    return this.deps.view().filter !== '';
  }

  get comparing(): boolean {
    return this.deps.view().compare !== null;
  }

  listed(): RunRow[] {
    return listedRuns(this.deps.rows(), this.deps.view());
  }

  /** The run under the cursor, if any. */
  selected(): RunRow | undefined {
    const listed = this.listed();
    return listed[cursorIndex(listed, this.deps.view().cursorKey)];
  }

  move(delta: number | 'top' | 'bottom'): void {
    const view = this.deps.view();
    const listed = this.listed();
    const from = view.cursorKey ?? listed[0]?.key ?? null;
    const cursorKey = movedCursor(listed, from, delta);
    if (cursorKey !== view.cursorKey) this.deps.setView({ cursorKey });
  }

  cycleSort(): void {
    const sort = nextSort(this.deps.view().sort);
    this.deps.setView({ sort });
    this.deps.notify(`runs sorted by ${sort}`);
  }

  startFilter(): void {
    this.deps.setView({ typing: true });
  }

  /** A typed key while the filter is being written: printable characters are added. */
  type(press: KeyPress): void {
    if (press.key.ctrl || press.key.meta || !press.input || press.input < ' ') return;
    this.deps.setView({ filter: this.deps.view().filter + press.input });
  }

  eraseFilter(): void {
    this.deps.setView({ filter: [...this.deps.view().filter].slice(0, -1).join('') });
  }

  finishFilter(): void {
    this.deps.setView({ typing: false });
  }

  clearFilter(): void {
    this.deps.setView({ filter: '', typing: false });
  }

  /** Enter: that run's log in the log pane (a queued run has none yet). */
  open(): void {
    const run = this.selected();
    if (!run) return this.deps.notify('no run selected');
    if (run.state === 'queued') return this.deps.notify(`${run.id} is queued on ${run.host}: it has no log yet`);
    this.deps.openLog(run.host, run.id);
  }

  compare(): void {
    const run = this.selected();
    if (!run?.sweep) return this.deps.notify('compare: select a run of a sweep');
    if (!this.deps.compare) return this.deps.notify('compare is not available here');
    this.deps.setView({ compare: run.sweep });
    this.deps.compare(run.sweep);
  }

  closeCompare(): void {
    this.deps.setView({ compare: null });
  }
}
