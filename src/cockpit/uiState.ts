/** The cockpit's own view state (focus, selection, scrolling, help): a pure reducer. */

export type PaneId = 'hosts' | 'gpus' | 'sessions';
export const PANES: readonly PaneId[] = ['hosts', 'gpus', 'sessions'];
export const PANE_TITLES: Record<PaneId, string> = { hosts: 'Hosts', gpus: 'GPUs', sessions: 'Sessions' };

export interface UiState {
  focus: PaneId;
  /** Index into hostOrder. */
  selected: number;
  gpuScroll: number;
  sessionScroll: number;
  /** The selected session (index into the host's sessions) while the Sessions pane has focus. */
  sessionCursor: number;
  help: boolean;
  helpScroll: number;
}

/** How far each list can go, computed by the App from the current layout and data. */
export interface Limits {
  hosts: number;
  gpuScrollMax: number;
  sessionScrollMax: number;
  helpScrollMax: number;
  /** How many sessions the selected host has (when known, j/k also move the session cursor). */
  sessions?: number;
}

export type UiAction =
  | { type: 'move'; delta: number; limits: Limits }
  | { type: 'edge'; to: 'top' | 'bottom'; limits: Limits }
  | { type: 'selectHost'; delta: number; limits: Limits }
  | { type: 'cyclePane'; delta: number }
  | { type: 'focusPane'; pane: PaneId }
  | { type: 'toggleHelp' }
  | { type: 'closeOverlay' };

export const initialUiState: UiState = {
  focus: 'hosts',
  selected: 0,
  gpuScroll: 0,
  sessionScroll: 0,
  sessionCursor: 0,
  help: false,
  helpScroll: 0,
};

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));

function withSelection<S extends UiState>(state: S, selected: number): S {
  if (selected === state.selected) return state;
  return { ...state, selected, gpuScroll: 0, sessionScroll: 0, sessionCursor: 0 };
}

/** Moves whatever the keys currently point at: the help text, the host selection or the focused list. */
function moveTo<S extends UiState>(state: S, limits: Limits, target: (current: number, max: number) => number): S {
  if (state.help) {
    const helpScroll = clamp(target(state.helpScroll, limits.helpScrollMax), 0, limits.helpScrollMax);
    return helpScroll === state.helpScroll ? state : { ...state, helpScroll };
  }
  if (state.focus === 'hosts') {
    const max = Math.max(0, limits.hosts - 1);
    return withSelection(state, clamp(target(clamp(state.selected, 0, max), max), 0, max));
  }
  if (state.focus === 'gpus') {
    const gpuScroll = clamp(target(state.gpuScroll, limits.gpuScrollMax), 0, limits.gpuScrollMax);
    return gpuScroll === state.gpuScroll ? state : { ...state, gpuScroll };
  }
  const sessionScroll = clamp(target(state.sessionScroll, limits.sessionScrollMax), 0, limits.sessionScrollMax);
  if (limits.sessions !== undefined && limits.sessions > 0) {
    // The list scrolls as before; the cursor moves with it and on through the rows on screen.
    const last = limits.sessions - 1;
    const visible = Math.max(1, limits.sessions - limits.sessionScrollMax);
    let sessionCursor = clamp(target(clamp(state.sessionCursor, 0, last), last), 0, last);
    sessionCursor = clamp(sessionCursor, sessionScroll, sessionScroll + visible - 1);
    return sessionScroll === state.sessionScroll && sessionCursor === state.sessionCursor
      ? state
      : { ...state, sessionScroll, sessionCursor };
  }
  return sessionScroll === state.sessionScroll ? state : { ...state, sessionScroll };
}

/** The next state; extra fields of a wider state are kept. */
export function uiReducer<S extends UiState>(state: S, action: UiAction): S {
  switch (action.type) {
    case 'move':
      return moveTo(state, action.limits, (current) => current + action.delta);
    case 'edge':
      return moveTo(state, action.limits, (_current, max) => (action.to === 'top' ? 0 : max));
    case 'selectHost': {
      const max = Math.max(0, action.limits.hosts - 1);
      return withSelection(state, clamp(clamp(state.selected, 0, max) + action.delta, 0, max));
    }
    case 'cyclePane': {
      const i = PANES.indexOf(state.focus);
      const focus = PANES[(i + action.delta + PANES.length * 4) % PANES.length];
      return { ...state, focus };
    }
    case 'focusPane':
      return state.focus === action.pane ? state : { ...state, focus: action.pane };
    case 'toggleHelp':
      return { ...state, help: !state.help, helpScroll: 0 };
    case 'closeOverlay':
      return state.help ? { ...state, help: false, helpScroll: 0 } : state;
  }
}
