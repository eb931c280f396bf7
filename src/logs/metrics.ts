/**
 * Log lines to metric series for the loss chart: MetricsCollector parses batches of lines
 * (metricsParse.ts) into bounded series (metricSeries.ts) and publishes them to its store.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { MetricSeries, type SeriesPoint } from './metricSeries.js';
import { createMetricsParser, MetricReading, type MetricsParser } from './metricsParse.js';

export interface SeriesSnapshot {
  name: string;
  count: number;
  nonFinite: number;
  last: { x: number; y: number } | null;
  best: { x: number; y: number } | null;
  /** The downsampled points, built when asked (by the chart, when it draws). */
  points(): SeriesPoint[];
}

export interface MetricsState {
  version: number;
  /** Series names in order of first appearance. */
  names: string[];
  series: Record<string, SeriesSnapshot>;
  /** The configured pattern's problem (then the default scanner is used), or null. */
  error: string | null;
}

export interface MetricsCollectorOptions {
  /** Points kept per series (default 1024). */
  maxPoints?: number;
  /** The store is updated at most this often (default 500 ms: a chart needs no more); 0 = after every feed. */
  publishMs?: number;
}

/**
 * Parses batches of log lines (LogTail.onLines) into series, and publishes them to its store at
 * most every publishMs, whatever the log's rate.
 */
export class MetricsCollector {
  readonly store: StoreApi<MetricsState>;
  private readonly parser: MetricsParser;
  private readonly series = new Map<string, MetricSeries>();
  private readonly touched = new Set<string>();
  private readonly reading = new MetricReading();
  private readonly maxPoints: number;
  private readonly publishMs: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(pattern?: string | null, options: MetricsCollectorOptions = {}) {
    this.maxPoints = options.maxPoints ?? 1024;
    this.publishMs = options.publishMs ?? 500;
    let error: string | null = null;
    let parser: MetricsParser;
    try {
      parser = createMetricsParser(pattern);
    } catch (e) {
      error = (e as Error).message;
      parser = createMetricsParser(null);
    }
    this.parser = parser;
    this.store = createStore<MetricsState>()(() => ({ version: 0, names: [], series: {}, error }));
  }

  feed(lines: readonly string[]): void {
    const reading = this.reading;
    for (const line of lines) {
      if (!this.parser.read(line, reading)) continue;
      for (let i = 0; i < reading.names.length; i++) {
        const name = reading.names[i];
        let s = this.series.get(name);
        if (!s) {
          s = new MetricSeries(name, this.maxPoints);
          this.series.set(name, s);
        }
        s.add(reading.x ?? s.count + 1, reading.values[i]);
        this.touched.add(name);
      }
    }
    if (this.touched.size === 0) return;
    if (this.publishMs <= 0) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.publishMs);
      this.timer.unref?.();
    }
  }

  /** Publishes what was parsed since the last update, now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.touched.size === 0) return;
    const touched = [...this.touched];
    this.touched.clear();
    this.store.setState((state) => {
      const series = { ...state.series };
      for (const name of touched) {
        const s = this.series.get(name)!;
        series[name] = {
          name,
          count: s.count,
          nonFinite: s.nonFinite,
          last: s.last,
          best: s.best,
          points: () => s.points(),
        };
      }
      return { version: state.version + 1, names: [...this.series.keys()], series };
    });
  }

  /** Feeds a LogTail's batches until the returned function is called. */
  attach(tail: { onLines(listener: (lines: readonly string[]) => void): () => void }): () => void {
    return tail.onLines((lines) => this.feed(lines));
  }
}
