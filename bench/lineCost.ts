/**
 * The per-row work of a frame that is not Ink's: repainting a changed line (components/fastLineUpdate.ts)
 * and sanitising a row's cells (safeLine), on cockpit rows of glyphs, bars and one changed figure,
 * warm: `node --import tsx bench/lineCost.ts` (run it in a worktree of another commit to compare).
 */
import fastLineUpdate from '../components/fastLineUpdate.js';
import { safeLine } from '../src/text/sanitise.js';

const row = (u: number) =>
  `\u001b[7m▸ gpu-node-${u % 7} \u001b[27m\u001b[32m● connected\u001b[39m   ${String(u).padStart(3)}% ▁▂▃▅▇█▁▂▃▅▇█ │ 19.6/79.6 GiB │ 45°C │ 312 W ${'·'.repeat(90)}`;
const pairs = Array.from({ length: 40 }, (_, i) => [row(i), row(i + 3)] as const);
const cells = [
  '▸',
  '● connected',
  '▁▂▃▅▇█▁▂▃▅▇█▁▂▃▅▇█',
  '19.6/79.6 GiB',
  '45°C',
  'NVIDIA H100 80GB HBM3',
  '✓3 ✗0',
  '—',
];

/** Microseconds per call of `round`, best of 5 runs of `times` rounds after one to warm up. */
function best(times: number, round: () => number): number {
  let fastest = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let run = 0; run < 6; run++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < times; i++) sink += round();
    const us = Number(process.hrtime.bigint() - t0) / 1000 / times;
    if (run > 0) fastest = Math.min(fastest, us);
  }
  if (sink === 0) throw new Error('nothing was computed');
  return fastest;
}

export function lineCostBench(): string[] {
  const repaint = best(2000, () => pairs.reduce((n, [a, b]) => n + fastLineUpdate(a, b, 200).length, 0));
  const sanitise = best(20000, () => cells.reduce((n, c) => n + safeLine(c).length, 0));
  return [
    '| warm, best of 5 | µs |',
    '| --- | --- |',
    `| repaint 40 changed cockpit rows (lineUpdate) | ${repaint.toFixed(1)} |`,
    `| sanitise 8 cells of glyphs and bars (safeLine) | ${sanitise.toFixed(2)} |`,
  ];
}

if (import.meta.main) console.log(lineCostBench().join('\n'));
