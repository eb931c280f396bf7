/** How keys move the log pane (pure: state in, state out). */
import type { KeyFlags } from '../cockpit/keys.js';
import {
  clampView,
  followNow,
  type Lines,
  type LogViewState,
  pauseHere,
  scrollRows,
  searchFrom,
  toTop,
  type ViewSize,
  viewBottom,
} from './logView.js';

/**
 * One key press. Returns the next state and whether the pane used the key (keys it does not use
 * are left to the rest of the app; while typing a search every key is used).
 *
 *   f toggle follow · G / End follow · g / Home oldest · k ↑ / j ↓ one row
 *   b PgUp ctrl-u / space PgDn ctrl-d a page · w wrap/cut · h / l sideways (cut) · 0 left edge
 *   / search (Enter runs it from the bottom of the view upwards) · n older match · N newer match
 *   Esc clears the search
 */
export function handleKey(
  state: LogViewState,
  input: string,
  key: KeyFlags,
  lines: Lines,
  size: ViewSize,
): { state: LogViewState; consumed: boolean } {
  const page = Math.max(1, size.height - 1);
  const done = (next: LogViewState) => ({ state: next, consumed: true });
  if (state.input !== null) {
    if (key.escape) return done({ ...state, input: null });
    if (key.return) {
      const query = state.input;
      const s = { ...state, input: null };
      if (!query) return done(s);
      return done(searchFrom(s, query, viewBottom(state, lines), -1, lines, size));
    }
    if (key.backspace || key.delete) return done({ ...state, input: state.input.slice(0, -1) });
    if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.pageUp || key.pageDown) return done(state);
    const printable = input.replace(/[\x00-\x1f\x7f]/g, '');
    return done({ ...state, input: state.input + printable });
  }
  if (key.upArrow || (input === 'k' && !key.ctrl)) return done(scrollRows(state, -1, lines, size));
  if (key.downArrow || (input === 'j' && !key.ctrl)) return done(scrollRows(state, 1, lines, size));
  if (key.pageUp || input === 'b' || (key.ctrl && input === 'u') || (key.ctrl && input === 'b'))
    return done(scrollRows(state, -page, lines, size));
  if (key.pageDown || input === ' ' || (key.ctrl && input === 'd') || (key.ctrl && input === 'f'))
    return done(scrollRows(state, page, lines, size));
  if (key.ctrl || key.meta) return { state, consumed: false };
  if (key.end || input === 'G') return done(followNow(state));
  if (key.home || input === 'g') return done(toTop(state, lines, size));
  if (input === 'f') return done(state.follow ? pauseHere(state, lines) : followNow(state));
  if (input === 'w') return done(clampView({ ...state, wrap: !state.wrap, hscroll: 0 }, lines, size));
  if (input === 'h' && !state.wrap)
    return done({ ...state, hscroll: Math.max(0, state.hscroll - Math.max(1, Math.floor(size.width / 2))) });
  if (input === 'l' && !state.wrap)
    return done({ ...state, hscroll: state.hscroll + Math.max(1, Math.floor(size.width / 2)) });
  if (input === '0' && !state.wrap) return done({ ...state, hscroll: 0 });
  if (input === '/') return done({ ...state, input: '' });
  if ((input === 'n' || input === 'N') && state.search) {
    const { query, matchSeq } = state.search;
    const dir = input === 'n' ? -1 : 1;
    const from = matchSeq === null ? viewBottom(state, lines) : matchSeq + dir;
    const next = searchFrom(state, query, from, dir, lines, size);
    // No further match: stay on the current one and say so.
    if (next.search?.matchSeq === null && matchSeq !== null)
      return done({ ...state, search: { query, matchSeq, note: dir < 0 ? 'no older match' : 'no newer match' } });
    return done(next);
  }
  if (key.escape && state.search) return done({ ...state, search: null });
  return { state, consumed: false };
}
