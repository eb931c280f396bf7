import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { type ChartPoint, formatNumber, MARKERS, renderChart } from '../../src/logs/chart.js';
import { MetricsCollector } from '../../src/logs/metrics.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => fs.readFileSync(path.join(here, '../fixtures/logs', name), 'utf8').split('\n');

/** Decodes the plot area's braille back to dots: for each dot column, the dot rows set (0 = top). */
function brailleDots(lines: string[], plotLeft: number, plotRows: number): Map<number, number[]> {
  const bit = [
    [0x01, 0x02, 0x04, 0x40],
    [0x08, 0x10, 0x20, 0x80],
  ];
  const dots = new Map<number, number[]>();
  for (let r = 0; r < plotRows; r++) {
    const cells = [...lines[r].slice(plotLeft)];
    cells.forEach((ch, c) => {
      const code = ch.codePointAt(0)! - 0x2800;
      if (code <= 0 || code > 0xff) return;
      for (let dx = 0; dx < 2; dx++)
        for (let dy = 0; dy < 4; dy++)
          if (code & bit[dx][dy]) {
            const x = c * 2 + dx;
            dots.set(x, [...(dots.get(x) ?? []), r * 4 + dy]);
          }
    });
  }
  return dots;
}

const decreasing = (n: number): ChartPoint[] =>
  Array.from({ length: n }, (_, i) => ({ x: i + 1, y: 3 * Math.exp(-i / (n / 5)) + 0.1 }));

describe('chart', () => {
  test('fits exactly: height lines of width columns, for a phone and a laptop', () => {
    for (const [width, height] of [
      [50, 12],
      [50, 3],
      [120, 30],
      [20, 6],
    ]) {
      const chart = renderChart(decreasing(300), { width, height });
      expect(chart.lines).toHaveLength(height);
      for (const line of chart.lines) expect([...line].length).toBe(width);
    }
  });

  test('a decreasing series draws a descending shape, starting at the top left and ending at the bottom right', () => {
    const chart = renderChart(decreasing(500), { width: 50, height: 12 });
    const dots = brailleDots(chart.lines, chart.plotLeft, chart.plotRows);
    const columns = [...dots.keys()].sort((a, b) => a - b);
    const totalDotRows = chart.plotRows * 4;
    expect(columns[0]).toBe(0);
    expect(columns.at(-1)).toBe(chart.plotWidth * 2 - 1);
    expect(columns.length).toBe(chart.plotWidth * 2); // a connected line: every dot column is used
    // The curve's lowest dot per column never goes back up as x grows.
    const lowest = columns.map((x) => Math.max(...dots.get(x)!));
    for (let i = 1; i < lowest.length; i++) expect(lowest[i]).toBeGreaterThanOrEqual(lowest[i - 1]);
    expect(Math.min(...dots.get(0)!)).toBe(0);
    expect(lowest.at(-1)).toBe(totalDotRows - 1);
    // Labels: top is the max, bottom the min.
    expect(chart.lines[0].slice(0, chart.plotLeft).trim()).toBe(`${formatNumber(chart.yMax)}┤`);
    expect(chart.lines[chart.plotRows - 1].slice(0, chart.plotLeft).trim()).toBe(`${formatNumber(chart.yMin)}┤`);
  });

  test('the real loss log: a curve that flattens early is visible as a steep drop then a floor', () => {
    const collector = new MetricsCollector(null, { publishMs: 0 });
    collector.feed(fixture('train-loss-decreasing.log'));
    const loss = collector.store.getState().series.loss;
    const chart = renderChart(loss.points(), { width: 50, height: 12 });
    const dots = brailleDots(chart.lines, chart.plotLeft, chart.plotRows);
    const bottom = chart.plotRows * 4 - 1;
    const columns = [...dots.keys()].sort((a, b) => a - b);
    // Where does the curve reach the floor? Early: within the first third of the x range.
    const firstAtFloor = columns.find((x) => dots.get(x)!.includes(bottom))!;
    expect(firstAtFloor).toBeLessThan((chart.plotWidth * 2) / 3);
    // And it stays there to the end.
    for (const x of columns.filter((c) => c > firstAtFloor + 4))
      expect(Math.min(...dots.get(x)!)).toBeGreaterThanOrEqual(bottom - 1);
    expect(chart.lines.at(-1)!.trim().split(/\s+/)).toEqual(['1', '761']);
  });

  test('block style also descends: column heights never grow left to right', () => {
    const chart = renderChart(decreasing(200), { width: 50, height: 10, style: 'block' });
    const heights: number[] = [];
    for (let c = chart.plotLeft; c < 50; c++) {
      let h = 0;
      for (let r = 0; r < chart.plotRows; r++) h += ' ▁▂▃▄▅▆▇█'.indexOf(chart.lines[r][c]);
      heights.push(h);
    }
    for (let i = 1; i < heights.length; i++) expect(heights[i]).toBeLessThanOrEqual(heights[i - 1]);
    expect(heights[0]).toBeGreaterThan(chart.plotRows * 8 - 8); // the first column averages the points it holds
    expect(heights.at(-1)).toBeGreaterThan(0);
  });

  test('nan and inf are marked on the axis at their x, and break the line', () => {
    const points: ChartPoint[] = decreasing(100);
    points[20] = { x: 21, y: NaN };
    points[60] = { x: 61, y: Infinity };
    points[80] = { x: 81, y: -Infinity };
    const chart = renderChart(points, { width: 50, height: 8 });
    const axis = chart.lines[chart.axisRow];
    expect(chart.markerColumns).toHaveLength(3);
    const marks = chart.markerColumns.map((c) => axis[c]);
    expect(marks).toEqual([MARKERS.nan, MARKERS.posInf, MARKERS.negInf]);
    const frac = chart.markerColumns.map((c) => (c - chart.plotLeft) / (chart.plotWidth - 1));
    expect(frac[0]).toBeCloseTo(20 / 99, 1);
    expect(frac[1]).toBeCloseTo(60 / 99, 1);
  });

  test('the real loss-inf log: no finite value, every step marked +inf', () => {
    const collector = new MetricsCollector(null, { publishMs: 0 });
    collector.feed(fixture('loss-inf.log'));
    const loss = collector.store.getState().series.loss;
    const chart = renderChart(loss.points(), { width: 50, height: 8 });
    expect(chart.finitePoints).toBe(0);
    expect(chart.markerColumns).toHaveLength(5);
    for (const c of chart.markerColumns) expect(chart.lines[chart.axisRow][c]).toBe(MARKERS.posInf);
    for (let r = 0; r < chart.plotRows; r++) expect(chart.lines[r].slice(chart.plotLeft).trim()).toBe('');
  });

  test('downsampled buckets mixing finite and nan values are marked too', () => {
    const chart = renderChart(
      [
        { x: 1, y: 2, nan: 0, posInf: 0, negInf: 0 },
        { x: 2, y: 1.5, nan: 3, posInf: 1, negInf: 0 },
        { x: 3, y: 1, nan: 0, posInf: 0, negInf: 0 },
      ],
      { width: 30, height: 6 },
    );
    expect(chart.markerColumns).toHaveLength(1);
    expect(chart.lines[chart.axisRow][chart.markerColumns[0]]).toBe(MARKERS.mixed);
  });

  test('log scale spreads a loss that spans decades', () => {
    const points = Array.from({ length: 100 }, (_, i) => ({ x: i, y: 10 ** (1 - i / 25) })); // 10 → 1e-3
    const lin = brailleDots(renderChart(points, { width: 50, height: 10 }).lines, 0, 8);
    const log = renderChart(points, { width: 50, height: 10, logY: true });
    const logDots = brailleDots(log.lines, log.plotLeft, log.plotRows);
    // On a log axis the curve is a straight diagonal: the middle x sits near the middle row.
    const mid = logDots.get(Math.floor(log.plotWidth))!;
    expect(Math.abs(mid[0] - (log.plotRows * 4) / 2)).toBeLessThanOrEqual(3);
    expect(lin.size).toBeGreaterThan(0);
  });

  test('numbers stay short', () => {
    expect(formatNumber(2.4505)).toBe('2.45');
    expect(formatNumber(0.00012)).toBe('1.2e-4');
    expect(formatNumber(761)).toBe('761');
    expect(formatNumber(123456)).toBe('1.2e5');
    expect(formatNumber(0)).toBe('0');
  });
});
