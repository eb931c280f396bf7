import { describe, expect, test } from 'vitest';
import { frame, initialLogView, type LogViewState } from '../../src/logs/logView.js';
import { handleKey } from '../../src/logs/logViewKeys.js';
import { LineRing } from '../../src/logs/ringBuffer.js';
import { rowText } from '../../src/logs/textRows.js';
import { MARKER_PREFIX } from '../../src/text/sanitise.js';

const size = { width: 50, height: 5 };
function buffer(n: number, capacity = 100, make = (i: number) => `line ${i}`) {
  const rb = new LineRing(capacity);
  for (let i = 0; i < n; i++) rb.push(make(i));
  return rb;
}
const texts = (state: LogViewState, rb: LineRing, partial: string | null = null) =>
  frame(state, rb, partial, size).rows.map((r) => rowText(r.row));
function press(state: LogViewState, rb: LineRing, ...keys: (string | Record<string, boolean>)[]) {
  for (const k of keys)
    state = handleKey(state, typeof k === 'string' ? k : '', typeof k === 'string' ? {} : k, rb, size).state;
  return state;
}

describe('log view', () => {
  test('following: the newest lines at the bottom, then the progress line', () => {
    const rb = buffer(20);
    expect(texts(initialLogView, rb)).toEqual(['line 15', 'line 16', 'line 17', 'line 18', 'line 19']);
    expect(texts(initialLogView, rb, ' 42%|████')).toEqual(['line 16', 'line 17', 'line 18', 'line 19', ' 42%|████']);
  });

  test('paused: new lines do not move the view, and are counted', () => {
    const rb = buffer(20);
    const paused = press(initialLogView, rb, 'f');
    expect(paused.follow).toBe(false);
    for (let i = 20; i < 30; i++) rb.push(`line ${i}`);
    expect(texts(paused, rb)).toEqual(['line 15', 'line 16', 'line 17', 'line 18', 'line 19']);
    expect(frame(paused, rb, null, size).newBelow).toBe(10);
    expect(texts(press(paused, rb, 'G'), rb)).toEqual(['line 25', 'line 26', 'line 27', 'line 28', 'line 29']);
    expect(press(paused, rb, 'f').follow).toBe(true);
  });

  test('scrolling by rows and pages; up leaves follow mode; the top never shows blank rows', () => {
    const rb = buffer(20);
    let s = press(initialLogView, rb, 'k');
    expect(s.follow).toBe(false);
    expect(texts(s, rb)[4]).toBe('line 18');
    s = press(s, rb, { pageUp: true });
    expect(texts(s, rb)[4]).toBe('line 14');
    s = press(s, rb, 'j', 'j');
    expect(texts(s, rb)[4]).toBe('line 16');
    s = press(s, rb, 'g');
    expect(texts(s, rb)).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
    s = press(s, rb, 'k', 'k', { pageUp: true });
    expect(texts(s, rb)[0]).toBe('line 0');
    s = press(
      s,
      rb,
      { pageDown: true },
      { pageDown: true },
      { pageDown: true },
      { pageDown: true },
      { pageDown: true },
      { pageDown: true },
    );
    expect(texts(s, rb)[4]).toBe('line 19');
  });

  test('wrapped long lines scroll row by row', () => {
    const rb = buffer(10, 100, (i) => (i === 8 ? 'L'.repeat(120) : `line ${i}`));
    expect(texts(initialLogView, rb)).toEqual(['line 7', 'L'.repeat(50), 'L'.repeat(50), 'L'.repeat(20), 'line 9']);
    let s = press(initialLogView, rb, 'k');
    expect(texts(s, rb)).toEqual(['line 6', 'line 7', 'L'.repeat(50), 'L'.repeat(50), 'L'.repeat(20)]);
    s = press(s, rb, 'k');
    expect(texts(s, rb)).toEqual(['line 5', 'line 6', 'line 7', 'L'.repeat(50), 'L'.repeat(50)]);
    s = press(s, rb, 'w'); // cut mode: one row per line
    expect(texts(s, rb).every((t) => t.length <= 50)).toBe(true);
    expect(texts(s, rb)).toContain('L'.repeat(50));
  });

  test('cut mode scrolls sideways', () => {
    const rb = buffer(1, 10, () => 'a'.repeat(50) + 'b'.repeat(50));
    let s = press(initialLogView, rb, 'w');
    expect(texts(s, rb)).toEqual(['a'.repeat(50)]);
    s = press(s, rb, 'l', 'l');
    expect(texts(s, rb)).toEqual(['b'.repeat(50)]);
    s = press(s, rb, '0');
    expect(texts(s, rb)).toEqual(['a'.repeat(50)]);
  });

  test('search: Enter finds the newest match, n older, N newer; the match is highlighted', () => {
    const rb = buffer(40, 100, (i) => (i % 10 === 3 ? `step ${i} loss NaN` : `step ${i} loss 0.5`));
    let s = press(initialLogView, rb, '/', 'n', 'a', 'n', { return: true });
    expect(s.input).toBeNull();
    expect(s.follow).toBe(false);
    expect(s.search).toEqual({ query: 'nan', matchSeq: 33, note: null }); // smart case: lower case matches NaN
    const f = frame(s, rb, null, size);
    const current = f.rows.find((r) => r.current)!;
    expect(rowText(current.row)).toBe('step 33 loss NaN');
    expect(current.row.find((seg) => seg.highlight)?.text).toBe('NaN');
    s = press(s, rb, 'n');
    expect(s.search?.matchSeq).toBe(23);
    s = press(s, rb, 'n', 'n', 'n');
    expect(s.search).toEqual({ query: 'nan', matchSeq: 3, note: 'no older match' });
    s = press(s, rb, 'N');
    expect(s.search?.matchSeq).toBe(13);
    s = press(s, rb, { escape: true });
    expect(s.search).toBeNull();
  });

  test('search is case-sensitive with a capital letter; a miss says so; Esc cancels typing', () => {
    const rb = buffer(10, 100, (i) => (i === 5 ? 'CUDA out of memory' : 'cuda ok'));
    let s = press(initialLogView, rb, '/', 'C', 'U', 'D', 'A', { return: true });
    expect(s.search?.matchSeq).toBe(5);
    s = press(initialLogView, rb, '/', 'x', 'y', 'z', { return: true });
    expect(s.search).toEqual({ query: 'xyz', matchSeq: null, note: 'not found' });
    s = press(initialLogView, rb, '/', 'a', 'b', { backspace: true }, 'c', { escape: true });
    expect(s.input).toBeNull();
    expect(s.search).toBeNull();
    // While typing, keys are text, not commands.
    s = press(initialLogView, rb, '/', 'g', 'f', 'q');
    expect(s.input).toBe('gfq');
    expect(s.follow).toBe(true);
  });

  test('a paused view whose lines were pushed out of the buffer moves to the oldest kept', () => {
    const rb = buffer(10, 10);
    let s = press(initialLogView, rb, 'g');
    for (let i = 10; i < 30; i++) rb.push(`line ${i}`);
    expect(texts(s, rb)).toEqual(['line 20', 'line 21', 'line 22', 'line 23', 'line 24']);
    s = press(s, rb, 'j');
    expect(texts(s, rb)[4]).toBe('line 25');
  });

  test('marker lines show as a rule', () => {
    const rb = buffer(2);
    rb.push(`${MARKER_PREFIX}log rotated: reading it from the start`);
    const rows = frame(initialLogView, rb, null, size).rows;
    expect(rows.at(-1)!.marker).toBe(true);
    expect(rowText(rows.at(-1)!.row)).toMatch(/^── log rotated/);
  });

  test('keys the pane does not use are left to the app', () => {
    const rb = buffer(3);
    for (const k of ['q', '?', 'r', '1', '\t', 's'])
      expect(handleKey(initialLogView, k, {}, rb, size).consumed).toBe(false);
    expect(handleKey(initialLogView, 'c', { ctrl: true }, rb, size).consumed).toBe(false);
    expect(handleKey(initialLogView, 'f', {}, rb, size).consumed).toBe(true);
  });
});
