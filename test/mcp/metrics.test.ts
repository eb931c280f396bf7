/** run_metrics' series: parsed with the project's pattern or the default scanner, thinned, nan kept as text. */
import { describe, expect, it } from 'vitest';
import { metricSeries } from '../../src/mcp/metrics.js';

describe('metricSeries', () => {
  const lines = Array.from({ length: 1000 }, (_, i) => `step ${i + 1} loss ${(1 / (i + 1)).toFixed(4)} lr 0.001`);

  it('thins each series to the points asked for, keeping the last value, with count, min and max', () => {
    const [loss, lr] = metricSeries(lines, null, 10);
    expect(loss.name).toBe('loss');
    expect(loss.count).toBe(1000);
    expect(loss.points.length).toBeLessThanOrEqual(10);
    expect(loss.points.at(-1)).toEqual([1000, 0.001]);
    expect(loss.last).toBe(0.001);
    expect(loss.min).toBe(0.001);
    expect(loss.max).toBe(1);
    expect(lr.name).toBe('lr');
  });

  it("uses the project's pattern, and writes nan and inf as text (JSON has no NaN)", () => {
    const [acc] = metricSeries(
      ['it=1 acc=0.5', 'it=2 acc=nan', 'it=3 acc=inf'],
      'it=(?<step>\\d+) acc=(?<acc>\\S+)',
      50,
    );
    expect(acc.points).toEqual([
      [1, 0.5],
      [2, 'nan'],
      [3, 'inf'],
    ]);
    expect(acc.last).toBe('inf');
    expect(acc.min).toBe(0.5);
  });
});
