/**
 * What the log pane shows and how keys move it, as pure functions over a ring buffer of
 * sanitised lines, so the Ink component stays a thin shell and all of this is testable.
 *
 * Following: the newest line (and the unterminated progress line under it) sits at the bottom.
 * Paused: the view is anchored on a line's sequence number, so new lines arriving below do not
 * move it; "+N new" says how far behind it is. Keys: logViewKeys.ts; finding text: logSearch.ts.
 */
import { MARKER_PREFIX, stripSgr } from '../text/sanitise.js';
import { findMatch, type Lines, matchRanges } from './logSearch.js';
import { lineRows, type Row, rowCount } from './textRows.js';

export interface LogViewState {
  follow: boolean;
  /** Paused: sequence number of the line at the bottom of the view. */
  bottomSeq: number;
  /** Paused, wrapping: rows of that line hidden below the view. */
  bottomSkip: number;
  wrap: boolean;
  /** First column shown when not wrapping. */
  hscroll: number;
  /** Text being typed after `/`, or null when not typing. */
  input: string | null;
  /** The last search, or null. */
  search: { query: string; matchSeq: number | null; note: string | null } | null;
}

export const initialLogView: LogViewState = {
  follow: true,
  bottomSeq: 0,
  bottomSkip: 0,
  wrap: true,
  hscroll: 0,
  input: null,
  search: null,
};

export interface ViewRow {
  row: Row;
  /** Line sequence number, or null for the unterminated progress line. */
  seq: number | null;
  marker: boolean;
  /** This row belongs to the current search match. */
  current: boolean;
}

export interface ViewFrame {
  rows: ViewRow[];
  /** Paused: lines below the view. */
  newBelow: number;
  /** Paused: the line at the bottom of the view (after clamping), for a position readout. */
  bottomSeq: number;
}

export type { Lines };

export interface ViewSize {
  width: number;
  /** Rows available to log lines. */
  height: number;
}

function textOf(line: string): string {
  return line.startsWith(MARKER_PREFIX) ? `── ${line.slice(MARKER_PREFIX.length)} ──` : line;
}

function rowsOf(lines: Lines, seq: number, size: ViewSize, wrap: boolean): number {
  const line = lines.get(seq);
  return line === undefined ? 1 : rowCount(textOf(line), size.width, wrap);
}

/** The paused anchor that shows the oldest lines at the top. */
function topAnchor(lines: Lines, size: ViewSize, wrap: boolean): { bottomSeq: number; bottomSkip: number } {
  let used = 0;
  for (let seq = lines.startSeq; seq < lines.endSeq; seq++) {
    const r = rowsOf(lines, seq, size, wrap);
    if (used + r >= size.height) return { bottomSeq: seq, bottomSkip: used + r - size.height };
    used += r;
  }
  return { bottomSeq: Math.max(lines.startSeq, lines.endSeq - 1), bottomSkip: 0 };
}

/** Rows from the oldest line down to the bottom anchor, stopping once past `limit`. */
function rowsDownTo(
  lines: Lines,
  anchor: { bottomSeq: number; bottomSkip: number },
  size: ViewSize,
  wrap: boolean,
  limit: number,
): number {
  let total = rowsOf(lines, anchor.bottomSeq, size, wrap) - anchor.bottomSkip;
  for (let seq = anchor.bottomSeq - 1; seq >= lines.startSeq && total < limit; seq--)
    total += rowsOf(lines, seq, size, wrap);
  return total;
}

/** Keeps a paused anchor inside the buffer and the view full (no blank rows above the oldest line). */
export function clampView(state: LogViewState, lines: Lines, size: ViewSize): LogViewState {
  if (state.follow) return state;
  if (lines.endSeq === lines.startSeq) return { ...state, bottomSeq: 0, bottomSkip: 0 };
  let bottomSeq = Math.min(Math.max(state.bottomSeq, lines.startSeq), lines.endSeq - 1);
  let bottomSkip = bottomSeq === state.bottomSeq ? state.bottomSkip : 0;
  bottomSkip = Math.min(Math.max(0, bottomSkip), rowsOf(lines, bottomSeq, size, state.wrap) - 1);
  if (rowsDownTo(lines, { bottomSeq, bottomSkip }, size, state.wrap, size.height) < size.height) {
    ({ bottomSeq, bottomSkip } = topAnchor(lines, size, state.wrap));
  }
  if (bottomSeq === state.bottomSeq && bottomSkip === state.bottomSkip) return state;
  return { ...state, bottomSeq, bottomSkip };
}

/** The anchor a paused view gets when it leaves follow mode: exactly what follow showed. */
export function pauseHere(state: LogViewState, lines: Lines): LogViewState {
  if (!state.follow) return state;
  return { ...state, follow: false, bottomSeq: Math.max(lines.startSeq, lines.endSeq - 1), bottomSkip: 0 };
}

/** Scrolls by rows: negative is up (older). Scrolling up leaves follow mode. */
export function scrollRows(state: LogViewState, delta: number, lines: Lines, size: ViewSize): LogViewState {
  if (delta === 0 || lines.endSeq === lines.startSeq) return state;
  if (delta > 0 && state.follow) return state;
  let s = clampView(pauseHere(state, lines), lines, size);
  let seq = s.bottomSeq;
  let skip = s.bottomSkip;
  if (delta < 0) {
    skip += -delta;
    while (seq > lines.startSeq && skip >= rowsOf(lines, seq, size, s.wrap)) {
      skip -= rowsOf(lines, seq, size, s.wrap);
      seq--;
    }
  } else {
    skip -= delta;
    while (skip < 0) {
      if (seq + 1 >= lines.endSeq) {
        skip = 0;
        break;
      }
      seq++;
      skip += rowsOf(lines, seq, size, s.wrap);
    }
  }
  s = { ...s, bottomSeq: seq, bottomSkip: skip };
  return clampView(s, lines, size);
}

export function followNow(state: LogViewState): LogViewState {
  return { ...state, follow: true, bottomSkip: 0 };
}

export function toTop(state: LogViewState, lines: Lines, size: ViewSize): LogViewState {
  if (lines.endSeq === lines.startSeq) return state;
  return { ...state, follow: false, ...topAnchor(lines, size, state.wrap) };
}

/** Runs a search (dir -1: older first, from the bottom of the view; +1: newer). */
export function searchFrom(
  state: LogViewState,
  query: string,
  fromSeq: number,
  dir: -1 | 1,
  lines: Lines,
  size: ViewSize,
): LogViewState {
  const match = findMatch(lines, query, fromSeq, dir);
  if (match === null) return { ...state, search: { query, matchSeq: null, note: 'not found' } };
  // The match goes to the middle of the view (or as low as the buffer allows) ...
  const s: LogViewState = {
    ...state,
    follow: false,
    search: { query, matchSeq: match, note: null },
    bottomSeq: Math.min(lines.endSeq - 1, match + Math.floor(size.height / 2)),
    bottomSkip: 0,
  };
  const next = clampView(s, lines, size);
  // ... unless long wrapped lines below it would push it out of view: then it is the bottom line.
  let fromMatchDown = -next.bottomSkip;
  for (let seq = match; seq <= next.bottomSeq; seq++) fromMatchDown += rowsOf(lines, seq, size, next.wrap);
  return fromMatchDown > size.height ? clampView({ ...next, bottomSeq: match, bottomSkip: 0 }, lines, size) : next;
}

export function viewBottom(state: LogViewState, lines: Lines): number {
  return state.follow ? lines.endSeq - 1 : state.bottomSeq;
}

/** The rows on screen, top to bottom (fewer than height when the buffer is short). */
export function frame(state: LogViewState, lines: Lines, partial: string | null, size: ViewSize): ViewFrame {
  const s = clampView(state, lines, size);
  const width = Math.max(1, size.width);
  const query = s.search?.query ?? '';
  const rowsFor = (line: string, seq: number | null): ViewRow[] => {
    const marker = line.startsWith(MARKER_PREFIX);
    const text = textOf(line);
    // Highlighted lines are drawn without their colours: the match must stand out.
    const ranges = query && !marker ? matchRanges(stripSgr(text), query) : [];
    const shown = ranges.length ? stripSgr(text) : text;
    const current = seq !== null && seq === s.search?.matchSeq;
    return lineRows(shown, { width, wrap: s.wrap, hscroll: s.hscroll, highlights: ranges }).map((row) => ({
      row,
      seq,
      marker,
      current,
    }));
  };
  const out: ViewRow[] = [];
  let need = size.height;
  if (s.follow && partial !== null && need > 0) {
    const rows = rowsFor(partial, null);
    out.unshift(...rows.slice(-need));
    need -= Math.min(need, rows.length);
  }
  let seq = s.follow ? lines.endSeq - 1 : s.bottomSeq;
  let skip = s.follow ? 0 : s.bottomSkip;
  for (; need > 0 && seq >= lines.startSeq && seq < lines.endSeq; seq--) {
    const line = lines.get(seq);
    if (line === undefined) break;
    let rows = rowsFor(line, seq);
    if (skip) rows = rows.slice(0, Math.max(0, rows.length - skip));
    skip = 0;
    out.unshift(...rows.slice(-need));
    need -= Math.min(need, rows.length);
  }
  const bottomSeq = viewBottom(s, lines);
  return { rows: out, newBelow: s.follow ? 0 : Math.max(0, lines.endSeq - 1 - s.bottomSeq), bottomSeq };
}
