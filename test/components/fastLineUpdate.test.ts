import { describe, expect, it } from 'vitest';
import fastLineUpdate from '../../components/fastLineUpdate.js';
import { random } from '../support/random.js';

// Ink's own, loaded by file from Ink's folder (Ink's package exports only its index).
const inkLineUpdate: (previous: string, next: string, columns?: number) => string = (
  await import(new URL('./line-update.js', import.meta.resolve('ink')).href)
).default;

// cockpit glyphs (one cell each), then what makes graphemes of several code points, wide ones and controls
const pieces = [
  'gpu-node-1',
  ' ',
  '▁▂▃▅▇█',
  '┃',
  '│',
  '●',
  '81%',
  '19.6/79.6 GiB',
  '—',
  '°C',
  '中文',
  '🧪',
  'e\u0301',
  '\u200b',
  'a\tb',
];
const sgr = (open: string, close: number) => (t: string) => `\u001b[${open}m${t}\u001b[${close}m`;
const styles = [(t: string) => t, sgr('31', 39), sgr('1', 22), sgr('38;5;208', 39), sgr('2', 22)];

function line(next: (n: number) => number, parts: number): string {
  let out = '';
  for (let i = 0; i < parts; i++) out += styles[next(styles.length)](pieces[next(pieces.length)]);
  return out;
}

describe("the log-update line repaint (components/fastLineUpdate.ts) answers as Ink's own", () => {
  it('on cockpit-like rows with one figure changed, and on random edits of random rows', () => {
    const next = random(7);
    let compared = 0;
    let partial = 0;
    for (let i = 0; i < 3000; i++) {
      const previous = line(next, 1 + next(12));
      let changed: string;
      switch (next(4)) {
        case 0: // a suffix replaced: a figure or a sparkline moved
          changed = previous.slice(0, next(previous.length + 1)) + line(next, 1 + next(3));
          break;
        case 1: // one code unit replaced in place
          changed = previous.replace(/[0-9▁▂▃▅▇]/, (d) => (d === '9' ? '8' : '9'));
          break;
        case 2: // the style of the tail changed
          changed = `${previous}\u001b[33mx\u001b[39m`;
          break;
        default:
          changed = line(next, 1 + next(12));
      }
      for (const columns of [200, 40, 12]) {
        const ours = fastLineUpdate(previous, changed, columns);
        expect(ours, JSON.stringify({ previous, changed, columns })).toBe(inkLineUpdate(previous, changed, columns));
        compared++;
        if (!ours.startsWith('\u001b[1G')) partial++;
      }
    }
    expect(compared).toBe(9000);
    expect(partial).toBeGreaterThan(1000); // the prefix path, not only whole-line repaints, was compared
  });

  it('keeps an unchanged prefix of box drawing and bars (what segmentation cost before)', () => {
    const before = '┃▸ gpu-1  \u001b[32m●\u001b[39m connected     81% ▁▂▃▅▇█';
    const after = '┃▸ gpu-1  \u001b[32m●\u001b[39m connected     82% ▁▂▃▅▇█';
    const ours = fastLineUpdate(before, after, 200);
    expect(ours).toBe(inkLineUpdate(before, after, 200));
    expect(ours).toMatch(/^\u001b\[(\d+)G\u001b\[K/);
    expect(Number(/^\u001b\[(\d+)G/.exec(ours)![1])).toBeGreaterThan(20);
    expect(ours.endsWith('2% ▁▂▃▅▇█')).toBe(true);
  });
});
