/**
 * The comparison of a sweep's runs: one row per run, the parameters that differ between them,
 * then the final, min and best value of each metric, sorted by the project's primary metric with
 * the best run marked. Metrics come from the metrics files the run wrote in its run directory
 * (metrics.json, *.jsonl) and from its log (the metrics scanner); a file's value wins over the
 * log's for the same name (the log prints rounded numbers).
 */
import { X_NAMES } from '../logs/grammar.js';
import { createMetricsParser, MetricsPatternError } from '../logs/metricsParse.js';
import type { RunDisplayState } from './runsModel.js';

export interface PrimaryMetric {
  name: string;
  goal: 'min' | 'max';
}

/** Every value of each metric a run reported, in order. */
export type MetricValues = Record<string, number[]>;

export interface MetricSummary {
  final: number;
  min: number;
  /** min or max, by the metric's goal. */
  best: number;
}

export interface CompareInput {
  id: string;
  host: string;
  gpus: string | null;
  state: RunDisplayState;
  params: Record<string, string>;
  metrics: MetricValues;
}

export interface CompareRow {
  id: string;
  host: string;
  gpus: string | null;
  state: RunDisplayState;
  /** Only the parameters that differ between the runs. */
  params: Record<string, string>;
  metrics: Record<string, MetricSummary>;
  /** The best run by the primary metric. */
  best: boolean;
}

export interface CompareTable {
  name: string;
  paramNames: string[];
  metricNames: string[];
  /** What the rows are sorted by (null: no run reported a metric to sort by). */
  primary: PrimaryMetric | null;
  rows: CompareRow[];
}

const X = new Set<string>(X_NAMES);
/** Metrics where higher is better, when the project names no goal for them. */
const HIGHER_IS_BETTER = /(acc|accuracy|f1|bleu|rouge|auc|precision|recall|score|reward|map|iou)([^a-z]|$)/;

export function goalOf(name: string, primary: PrimaryMetric | null): 'min' | 'max' {
  if (primary && primary.name === name) return primary.goal;
  return HIGHER_IS_BETTER.test(name.toLowerCase()) ? 'max' : 'min';
}

export function summarise(values: readonly number[], goal: 'min' | 'max'): MetricSummary | null {
  const finite = values.filter((v) => Number.isFinite(v));
  if (values.length === 0) return null;
  const min = finite.length ? Math.min(...finite) : Number.NaN;
  const max = finite.length ? Math.max(...finite) : Number.NaN;
  return { final: values[values.length - 1], min, best: goal === 'min' ? min : max };
}

const numberOrNull = (v: unknown): number | null => (typeof v === 'number' && !Number.isNaN(v) ? v : null);

function addValue(into: MetricValues, name: string, v: unknown): void {
  if (X.has(name.toLowerCase())) return;
  if (Array.isArray(v)) {
    for (const x of v) addValue(into, name, x);
    return;
  }
  const n = numberOrNull(v);
  if (n === null) return;
  (into[name] ??= []).push(n);
}

/** metrics.json: an object of numbers (or arrays of numbers); anything else is left out. */
export function metricsFromJson(text: string): MetricValues {
  const out: MetricValues = {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return out;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out;
  for (const [k, v] of Object.entries(raw)) addValue(out, k, v);
  return out;
}

/** *.jsonl: one object per line; each numeric field a metric (x names such as step and epoch are not). */
export function metricsFromJsonl(text: string): MetricValues {
  const out: MetricValues = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const o = JSON.parse(line) as unknown;
      if (typeof o === 'object' && o !== null && !Array.isArray(o))
        for (const [k, v] of Object.entries(o)) if (!Array.isArray(v)) addValue(out, k, v);
    } catch {
      // a half-written last line
    }
  }
  return out;
}

/** The metrics of a log's lines, with the project's pattern when it has one. */
export function metricsFromLog(text: string, pattern?: string | null): MetricValues {
  let parser: ReturnType<typeof createMetricsParser>;
  try {
    parser = createMetricsParser(pattern);
  } catch (error) {
    if (!(error instanceof MetricsPatternError)) throw error;
    parser = createMetricsParser(null);
  }
  const out: MetricValues = {};
  for (const line of text.split('\n')) {
    const sample = parser.parse(line);
    if (sample) for (const [k, v] of Object.entries(sample.values)) (out[k] ??= []).push(v);
  }
  return out;
}

/** Files first: a name a file reports is taken from the files only. */
export function mergeMetrics(files: readonly MetricValues[], log: MetricValues): MetricValues {
  const out: MetricValues = {};
  for (const f of files) for (const [k, v] of Object.entries(f)) (out[k] ??= []).push(...v);
  for (const [k, v] of Object.entries(log)) if (!(k in out)) out[k] = [...v];
  return out;
}

/** The project's metric, else val_loss, else loss (lower is better), when a run reported it. */
function choosePrimary(configured: PrimaryMetric | null, names: readonly string[]): PrimaryMetric | null {
  if (configured && names.includes(configured.name)) return configured;
  for (const name of ['val_loss', 'loss']) if (names.includes(name)) return { name, goal: 'min' };
  return configured;
}

export function compareRuns(
  name: string,
  runs: readonly CompareInput[],
  configured: PrimaryMetric | null,
): CompareTable {
  const allParams = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const paramNames = allParams.filter((p) => new Set(runs.map((r) => r.params[p] ?? '')).size > 1);
  const metricNames = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const primary = choosePrimary(configured, metricNames);
  const rows: CompareRow[] = runs.map((r) => {
    const metrics: Record<string, MetricSummary> = {};
    for (const m of metricNames) {
      const s = summarise(r.metrics[m] ?? [], goalOf(m, primary));
      if (s) metrics[m] = s;
    }
    return {
      id: r.id,
      host: r.host,
      gpus: r.gpus,
      state: r.state,
      params: Object.fromEntries(paramNames.map((p) => [p, r.params[p] ?? ''])),
      metrics,
      best: false,
    };
  });
  if (primary) {
    const key = (r: CompareRow) => {
      const v = r.metrics[primary.name]?.best;
      if (v === undefined || Number.isNaN(v)) return Number.POSITIVE_INFINITY;
      return primary.goal === 'min' ? v : -v;
    };
    rows.sort((a, b) => key(a) - key(b) || (a.id < b.id ? -1 : 1));
    if (rows.length && Number.isFinite(key(rows[0]))) rows[0].best = true;
  } else rows.sort((a, b) => (a.id < b.id ? -1 : 1));
  return { name, paramNames, metricNames, primary, rows };
}
