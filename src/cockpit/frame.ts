/**
 * What the frame shows for a size and a view: the pane layout, the Action pane's share, which
 * detail is on screen. One function, so the views and the key router agree on what is visible.
 */
import { computeLayout, helpRows, type Layout, PANE_CHROME, type PaneCounts, type WideLayout } from './layout.js';
import type { Limits } from './uiState.js';

/** What the detail area shows instead of GPUs and sessions: a session's log, the watchdog, or every run. */
export type DetailView = 'none' | 'log' | 'watchdog' | 'runs';

export interface FrameInput {
  columns: number;
  rows: number;
  counts: PaneCounts;
  detail: DetailView;
  /** Narrow layout: the Run tab (action output, log or watchdog) was asked for. */
  runTab: boolean;
  /** The selected host has an action run to show. */
  hasRun: boolean;
  /** Wide: the Action pane has the keys (it then takes the Sessions pane's room too). */
  actionFocus?: boolean;
}

export interface Frame {
  layout: Layout;
  /** Lines the Action pane takes below Sessions (wide), 0 when it is not shown there. */
  actionHeight: number;
  /** Narrow: the Run tab is on screen. */
  runTabShown: boolean;
  /** The latest action run's output is on screen. */
  actionShown: boolean;
  /** The log or watchdog is on screen. */
  detailShown: boolean;
  /** The log pane is on screen and wide enough for its chart beside or below it. */
  chartShown: boolean;
  /** The size of the detail area (log or watchdog). */
  detailWidth: number;
  detailHeight: number;
}

/** Lines the action pane takes below the sessions pane on wide screens (or all of it when small). */
function splitSessions(sessionsHeight: number): { sessions: number; action: number } {
  const action = Math.max(PANE_CHROME + 3, Math.floor(sessionsHeight / 2));
  if (sessionsHeight - action < PANE_CHROME + 2) return { sessions: 0, action: sessionsHeight };
  return { sessions: sessionsHeight - action, action };
}

/**
 * Beside an action's output the sessions keep a header and a row in sight: the rows they lack
 * come from the GPU pane (it scrolls), down to its own header and a row.
 */
function roomForSessions(layout: WideLayout): WideLayout {
  const wanted = PANE_CHROME + 2 + PANE_CHROME + 3;
  const take = Math.min(wanted - layout.sessionsHeight, layout.gpuHeight - (PANE_CHROME + 2));
  if (take <= 0) return layout;
  const gpuHeight = layout.gpuHeight - take;
  return { ...layout, gpuHeight, gpuRows: gpuHeight - PANE_CHROME - 1, sessionsHeight: layout.sessionsHeight + take };
}

/** The log's chart goes beside the log from this width, below it from CHART_BELOW_ROWS rows. */
export const CHART_BESIDE_COLUMNS = 100;
export const CHART_BELOW_ROWS = 24;

export function computeFrame(input: FrameInput): Frame {
  let layout = computeLayout(input.columns, input.rows, input.counts);
  let actionHeight = 0;
  if (layout.mode === 'wide' && input.hasRun && input.detail === 'none') {
    if (!input.actionFocus) layout = roomForSessions(layout);
    const split = input.actionFocus
      ? { sessions: 0, action: layout.sessionsHeight }
      : splitSessions(layout.sessionsHeight);
    actionHeight = split.action;
    layout = { ...layout, sessionsHeight: split.sessions, sessionRows: Math.max(0, split.sessions - PANE_CHROME - 1) };
  }
  const runTabShown = layout.mode === 'narrow' && input.runTab;
  const actionShown = input.hasRun && input.detail === 'none' && (actionHeight > 0 || runTabShown);
  const detailShown = input.detail !== 'none' && (layout.mode === 'wide' || runTabShown);
  const detailWidth = layout.mode === 'wide' ? layout.detailWidth - 2 : layout.columns;
  const detailHeight = layout.mode === 'wide' ? Math.max(0, layout.bodyHeight - PANE_CHROME) : layout.bodyHeight;
  const chartShown =
    input.detail === 'log' &&
    detailShown &&
    layout.mode === 'wide' &&
    (detailWidth >= CHART_BESIDE_COLUMNS || detailHeight >= CHART_BELOW_ROWS);
  return { layout, actionHeight, runTabShown, actionShown, detailShown, chartShown, detailWidth, detailHeight };
}

/** How far each list can go in this frame. */
export function frameLimits(
  frame: Frame,
  counts: PaneCounts,
  hosts: number,
  sessions: number,
  helpLines: number,
): Limits {
  return {
    hosts,
    gpuScrollMax: Math.max(0, counts.gpuLines - frame.layout.gpuRows),
    sessionScrollMax: Math.max(0, counts.sessionLines - frame.layout.sessionRows),
    helpScrollMax: Math.max(0, helpLines - helpRows(frame.layout.rows)),
    sessions,
  };
}
