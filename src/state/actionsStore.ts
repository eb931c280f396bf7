/**
 * The actions slice: what the cockpit draws for running and finished actions (an output pane
 * per run, a progress bar, the verdict) and the one question waiting for an answer. A separate
 * vanilla store so the hosts store stays untouched; components select from it narrowly.
 */
import { createStore } from 'zustand/vanilla';
import type { ActionId, ActionProgress, Outcome, OutputKind, Question, Verdict } from '../actions/types.js';

/** Output lines kept per run (older ones are dropped and counted). */
export const OUTPUT_LINES_KEPT = 2000;
/** Finished runs kept (the oldest finished one goes first). */
export const RUNS_KEPT = 20;

export interface OutputLine {
  /** Increasing per run, so a pane can keep its scroll position as lines arrive. */
  n: number;
  text: string;
  kind: OutputKind;
}

export type RunStatus = 'running' | 'waiting' | Outcome;

export interface ActionRunState {
  runId: number;
  action: ActionId;
  title: string;
  host: string;
  project: string | null;
  session: string | null;
  dryRun: boolean;
  status: RunStatus;
  /** Whether Esc/x may cancel it now. */
  cancellable: boolean;
  progress: ActionProgress | null;
  lines: OutputLine[];
  /** Lines dropped from the front (lines[0].n - 1 of them). */
  droppedLines: number;
  verdict: Verdict | null;
  startedAt: number;
  endedAt: number | null;
}

export interface PendingQuestion {
  id: number;
  runId: number;
  question: Question;
}

export interface ActionsState {
  runs: Record<number, ActionRunState>;
  /** Run ids, oldest first. */
  order: number[];
  /** The question on screen; more wait behind it in the runner. */
  question: PendingQuestion | null;
}

export function createActionsStore() {
  return createStore<ActionsState>()(() => ({ runs: {}, order: [], question: null }));
}

export type ActionsStore = ReturnType<typeof createActionsStore>;

export function patchRun(
  store: ActionsStore,
  runId: number,
  patch: Partial<ActionRunState> | ((r: ActionRunState) => Partial<ActionRunState>),
): void {
  store.setState((s) => {
    const current = s.runs[runId];
    if (!current) return s;
    const p = typeof patch === 'function' ? patch(current) : patch;
    return { runs: { ...s.runs, [runId]: { ...current, ...p } } };
  });
}

/** What a run is as it starts: running, no output, progress or verdict yet. */
export function startedRun(
  run: Pick<ActionRunState, 'runId' | 'action' | 'title' | 'host' | 'project' | 'session' | 'dryRun' | 'cancellable'>,
): ActionRunState {
  return {
    ...run,
    status: 'running',
    progress: null,
    lines: [],
    droppedLines: 0,
    verdict: null,
    startedAt: Date.now(),
    endedAt: null,
  };
}

/** Adds a run, dropping the oldest finished runs beyond RUNS_KEPT. */
export function addRun(store: ActionsStore, run: ActionRunState): void {
  store.setState((s) => {
    const runs = { ...s.runs, [run.runId]: run };
    const order = [...s.order, run.runId];
    while (order.length > RUNS_KEPT) {
      const i = order.findIndex((id) => runs[id].status !== 'running' && runs[id].status !== 'waiting');
      if (i < 0) break;
      delete runs[order[i]];
      order.splice(i, 1);
    }
    return { runs, order };
  });
}

/** Appends lines in one update, keeping the newest OUTPUT_LINES_KEPT. */
export function appendLines(store: ActionsStore, runId: number, lines: { text: string; kind: OutputKind }[]): void {
  if (lines.length === 0) return;
  patchRun(store, runId, (r) => {
    let n = r.droppedLines + r.lines.length;
    const next = [...r.lines, ...lines.map((l) => ({ n: ++n, text: l.text, kind: l.kind }))];
    const drop = Math.max(0, next.length - OUTPUT_LINES_KEPT);
    return { lines: drop ? next.slice(drop) : next, droppedLines: r.droppedLines + drop };
  });
}

/** The newest run of a host (what its output pane shows by default). */
export function latestRunOf(state: ActionsState, host: string): ActionRunState | null {
  for (let i = state.order.length - 1; i >= 0; i--) {
    const r = state.runs[state.order[i]];
    if (r.host === host) return r;
  }
  return null;
}
