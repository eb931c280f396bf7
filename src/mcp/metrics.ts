/** run_metrics: the numbers in the end of a run's log (loss, lr, …) as series, downsampled for an agent. */
import { createMetricsParser } from '../logs/metricsParse.js';

export interface SeriesOut {
  name: string;
  /** How many values the scanned part of the log held. */
  count: number;
  last: number | string;
  min: number | null;
  max: number | null;
  /** [x, value] pairs, evenly thinned to at most `points`, the last value always kept; nan/inf as strings. */
  points: [number, number | string][];
}

const jsonNumber = (v: number): number | string =>
  Number.isFinite(v) ? v : Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';

export function metricSeries(
  lines: readonly string[],
  pattern: string | null | undefined,
  points: number,
): SeriesOut[] {
  const parser = createMetricsParser(pattern);
  const series = new Map<string, [number, number][]>();
  lines.forEach((line, i) => {
    const sample = parser.parse(line);
    if (!sample) return;
    for (const [name, value] of Object.entries(sample.values)) {
      let s = series.get(name);
      if (!s) series.set(name, (s = []));
      s.push([sample.x ?? i, value]);
    }
  });
  return [...series.entries()].map(([name, all]) => {
    const finite = all.map(([, v]) => v).filter(Number.isFinite);
    const step = Math.max(1, Math.ceil(all.length / points));
    const kept = all.filter((_, i) => i % step === 0 || i === all.length - 1).slice(-points);
    return {
      name,
      count: all.length,
      last: jsonNumber(all[all.length - 1][1]),
      min: finite.length ? finite.reduce((a, b) => Math.min(a, b)) : null,
      max: finite.length ? finite.reduce((a, b) => Math.max(a, b)) : null,
      points: kept.map(([x, v]) => [x, jsonNumber(v)]),
    };
  });
}
