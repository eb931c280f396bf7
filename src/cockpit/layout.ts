/**
 * Where everything goes for a terminal size: pure arithmetic, so the frame is never taller than the
 * screen and the key handler knows how far each list can scroll.
 */

/** Below this many columns (a phone in portrait) the cockpit shows one pane at a time. */
export const NARROW_BELOW = 60;

/** Lines a bordered wide pane spends on itself: two borders and a title. */
export const PANE_CHROME = 3;
/** Header line and footer line of the whole frame. */
export const FRAME_CHROME = 2;

/** How many scrollable lines the GPU and Sessions panes hold for the selected host. */
export interface PaneCounts {
  gpuLines: number;
  sessionLines: number;
}

interface Common {
  columns: number;
  rows: number;
  /** Lines visible in the host list. */
  hostRows: number;
  /** Lines visible in the GPU list and the sessions list (below their column headers). */
  gpuRows: number;
  sessionRows: number;
}

export interface WideLayout extends Common {
  mode: 'wide';
  bodyHeight: number;
  hostsWidth: number;
  detailWidth: number;
  gpuHeight: number;
  sessionsHeight: number;
}

export interface NarrowLayout extends Common {
  mode: 'narrow';
  /** Height of the one pane on screen (below the tab bar and its sub-header, above the footer). */
  bodyHeight: number;
}

export type Layout = WideLayout | NarrowLayout;

const clampMin = (n: number, lo: number) => Math.max(lo, n);

export function computeLayout(columns: number, rows: number, counts: PaneCounts): Layout {
  if (columns < NARROW_BELOW) {
    // tab bar, sub-header (column names or the selected host), pane, footer
    const bodyHeight = clampMin(rows - 3, 0);
    return {
      mode: 'narrow',
      columns,
      rows,
      bodyHeight,
      hostRows: bodyHeight,
      gpuRows: clampMin(bodyHeight - 1, 0),
      sessionRows: clampMin(bodyHeight - 1, 0),
    };
  }
  const bodyHeight = clampMin(rows - FRAME_CHROME, 0);
  const hostsWidth = Math.min(48, Math.max(30, Math.round(columns * 0.35)));
  const detailWidth = columns - hostsWidth;
  // Each detail pane: chrome plus a column-header line plus its rows.
  const gpuWanted = PANE_CHROME + 1 + Math.max(1, counts.gpuLines);
  const sessionsWanted = PANE_CHROME + 1 + Math.max(1, counts.sessionLines);
  const sessionsFloor = Math.min(sessionsWanted, Math.max(PANE_CHROME + 2, Math.floor(bodyHeight / 3)));
  const gpuHeight = clampMin(Math.min(gpuWanted, bodyHeight - sessionsFloor), Math.min(PANE_CHROME, bodyHeight));
  const sessionsHeight = clampMin(bodyHeight - gpuHeight, 0);
  return {
    mode: 'wide',
    columns,
    rows,
    bodyHeight,
    hostsWidth,
    detailWidth,
    gpuHeight,
    sessionsHeight,
    // the host list's column names take a line
    hostRows: clampMin(bodyHeight - PANE_CHROME - 1, 0),
    gpuRows: clampMin(gpuHeight - PANE_CHROME - 1, 0),
    sessionRows: clampMin(sessionsHeight - PANE_CHROME - 1, 0),
  };
}

/** Lines of the help overlay's list: the frame minus its border, title and closing hint. */
export function helpRows(rows: number): number {
  return clampMin(rows - 4, 1);
}

/** First visible index of a window of `visible` lines that keeps `selected` on screen, moving as little as possible from `previous`. */
export function followSelection(selected: number, visible: number, total: number, previous: number): number {
  if (visible <= 0 || total <= visible) return 0;
  let top = previous;
  if (selected < top) top = selected;
  if (selected >= top + visible) top = selected - visible + 1;
  return Math.max(0, Math.min(top, total - visible));
}
