/**
 * Numbers from training logs (`loss`, `val_loss`, `lr`, …) as bounded series for the loss chart.
 *
 * A project may set ProjectConfig.metrics: a regex whose named groups are the metrics, e.g.
 * `step (?<step>\d+) loss (?<loss>\S+)`; a group named step/global_step/iter/iteration/x/epoch
 * (first found, in that order) is the x axis, every other group a series. It is applied with the
 * g flag, so one line may hold several matches; `/body/flags` is accepted too. Without one, a
 * scanner finds `name value`, `name=value`, `name: value` and `'name': value` pairs for known
 * names (anything ending in loss, lr, learning_rate, acc, accuracy, ppl, perplexity, grad_norm).
 * nan and inf are kept as values: they are what a diverging run prints.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { stripSgr } from '../text/sanitise.js';

export interface MetricSample {
  /** The x value from the line (step), or null when the line has none. */
  x: number | null;
  values: Record<string, number>;
}

export interface MetricsParser {
  parse(line: string): MetricSample | null;
  /** The same into a reading that is reused (cleared first); false when the line holds no metric. */
  read(line: string, into: MetricReading): boolean;
}

const X_NAMES = ['step', 'global_step', 'iter', 'iteration', 'x', 'epoch'];
/** The x names the default scanner looks for ('x' alone would match too much). */
const SCANNED_X_NAMES = X_NAMES.filter((n) => n !== 'x');
const METRIC_NAMES = 'loss|lr|learning_rate|acc|accuracy|ppl|perplexity|grad_norm';
/** A known metric name, possibly prefixed (val_loss, train/loss, eval.acc), or an x name. */
const KNOWN_NAME = new RegExp(`^(?:(?:[a-z][\\w./-]*[_/.-])?(?:${METRIC_NAMES})|loss\\w*|${SCANNED_X_NAMES.join('|')})$`);
/** Where a name may be: the core words, found fast; the whole name is then read around them. */
const CORE = /accuracy|learning_rate|perplexity|grad_norm|global_step|iteration|epoch|loss|step|iter|acc|ppl|lr/gi;

function isNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2e || c === 0x2f || c === 0x2d;
}
function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}
/** What may stand before a name or after a value: space, punctuation of dicts and tables, quotes. */
function isBoundary(c: number): boolean {
  return Number.isNaN(c) || c === 0x20 || c === 0x09 || c === 0x2c || c === 0x3b || c === 0x7b || c === 0x7d || c === 0x28 || c === 0x29 || c === 0x5b || c === 0x5d || c === 0x7c || c === 0x27 || c === 0x22;
}
function isValueChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2b || c === 0x2d || isLetter(c);
}

/**
 * The default scanner, written to allocate almost nothing per line (it runs on every line of a
 * 10 000 lines/s log): find a core metric word, widen it to the whole name, read the value after
 * an optional quote, `:` or `=`.
 */
function scanPairs(line: string, into: MetricReading): void {
  CORE.lastIndex = 0;
  while (CORE.test(line)) {
    let we = CORE.lastIndex;
    while (we < line.length && isNameChar(line.charCodeAt(we))) we++;
    let ws = we;
    while (ws > 0 && isNameChar(line.charCodeAt(ws - 1))) ws--;
    CORE.lastIndex = we;
    if (!isLetter(line.charCodeAt(ws)) || !(ws === 0 || isBoundary(line.charCodeAt(ws - 1)))) continue;
    let v = we;
    if (line.charCodeAt(v) === 0x27 || line.charCodeAt(v) === 0x22) v++;
    while (line.charCodeAt(v) === 0x20) v++;
    if (line.charCodeAt(v) === 0x3a || line.charCodeAt(v) === 0x3d) v++;
    while (line.charCodeAt(v) === 0x20) v++;
    let ve = v;
    while (ve < line.length && isValueChar(line.charCodeAt(ve))) ve++;
    if (ve === v || !(isBoundary(line.charCodeAt(ve)) || line.charCodeAt(ve) === 0x3a)) continue;
    const name = line.slice(ws, we).toLowerCase();
    if (!KNOWN_NAME.test(name)) continue;
    const value = parseMetricNumber(line.slice(v, ve));
    if (value === null) continue;
    into.set(name, value);
    CORE.lastIndex = ve;
  }
}

const NUMERIC = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

export class MetricsPatternError extends Error {}

/** A number as logs print it, nan and inf included; null when it is not one. */
export function parseMetricNumber(text: string): number | null {
  const c = text.charCodeAt(0);
  // Plain numbers first (nearly every value): digits, sign or a dot.
  if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e) {
    if (NUMERIC.test(text)) return Number(text);
  }
  const t = text.trim().toLowerCase();
  if (t === 'nan' || t === '+nan' || t === '-nan') return NaN;
  if (/^\+?inf(inity)?$/.test(t)) return Infinity;
  if (/^-inf(inity)?$/.test(t)) return -Infinity;
  if (!NUMERIC.test(t)) return null;
  return Number(t);
}

/**
 * One line's metrics, reused from line to line by the collector so that parsing a fast log makes
 * little garbage. The first value of a name wins; x is the highest-ranked x name found.
 */
export class MetricReading {
  readonly names: string[] = [];
  readonly values: number[] = [];
  x: number | null = null;
  private xRank = Infinity;

  clear(): void {
    this.names.length = 0;
    this.values.length = 0;
    this.x = null;
    this.xRank = Infinity;
  }

  set(name: string, value: number): void {
    const rank = X_NAMES.indexOf(name.toLowerCase());
    if (rank !== -1) {
      if (rank < this.xRank && Number.isFinite(value)) {
        this.x = value;
        this.xRank = rank;
      }
      return;
    }
    if (this.names.includes(name)) return;
    this.names.push(name);
    this.values.push(value);
  }

  toSample(): MetricSample | null {
    if (this.names.length === 0) return null;
    const values: Record<string, number> = {};
    this.names.forEach((name, i) => (values[name] = this.values[i]));
    return { x: this.x, values };
  }
}

function compile(pattern: string): RegExp {
  const literal = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
  const body = literal ? literal[1] : pattern;
  const flags = literal ? literal[2] : '';
  let re: RegExp;
  try {
    re = new RegExp(body, flags.includes('g') ? flags : flags + 'g');
  } catch (error) {
    throw new MetricsPatternError(`metrics pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${(error as Error).message}`);
  }
  if (!/\(\?<[A-Za-z_$][\w$]*>/.test(body)) throw new MetricsPatternError(`metrics pattern ${JSON.stringify(pattern)} has no named group (e.g. (?<loss>\\S+))`);
  return re;
}

/** The parser for a project's metrics pattern (ProjectConfig.metrics), or the default scanner. */
export function createMetricsParser(pattern?: string | null): MetricsParser {
  const re = pattern ? compile(pattern) : null;
  const read = (raw: string, into: MetricReading): boolean => {
    into.clear();
    const line = raw.indexOf('\u001b') === -1 ? raw : stripSgr(raw);
    if (!re) scanPairs(line, into);
    else {
      for (const m of line.matchAll(re)) {
        for (const name in m.groups) {
          const text = m.groups[name];
          if (text === undefined) continue;
          const value = parseMetricNumber(text);
          if (value !== null) into.set(name, value);
        }
        if (m[0] === '') break;
      }
    }
    return into.names.length > 0;
  };
  return {
    read,
    parse(raw) {
      const reading = new MetricReading();
      return read(raw, reading) ? reading.toSample() : null;
    },
  };
}

/** One point of a downsampled series: the mean of its finite values, with what was not finite. */
export interface SeriesPoint {
  x: number;
  /** Mean of the finite values in this point; NaN when none was finite. */
  y: number;
  min: number;
  max: number;
  /** How many raw values here were nan / +inf / -inf. */
  nan: number;
  posInf: number;
  negInf: number;
}

const FIELDS = ['n', 'sumX', 'sum', 'finite', 'min', 'max', 'nan', 'posInf', 'negInf'] as const;
type Field = (typeof FIELDS)[number];

/**
 * A series in bounded memory: up to maxPoints buckets; when full, neighbours merge in pairs and
 * each bucket then takes twice as many raw values. The shape survives, memory does not grow.
 * Buckets live in typed arrays allocated once, so a fast log creates no garbage here.
 */
export class MetricSeries {
  private readonly b: Record<Field, Float64Array>;
  private used = 0; // complete buckets
  private stride = 1;
  count = 0;
  nonFinite = 0;
  private lastX = NaN;
  private lastY = NaN;
  private bestX = NaN;
  private bestY = Infinity;

  constructor(
    readonly name: string,
    private readonly maxPoints = 1024,
  ) {
    this.maxPoints = Math.max(4, maxPoints);
    // One slot more than maxPoints: the bucket being filled.
    this.b = Object.fromEntries(FIELDS.map((f) => [f, new Float64Array(this.maxPoints + 1)])) as Record<Field, Float64Array>;
    this.reset(0);
  }

  get last(): { x: number; y: number } | null {
    return this.count ? { x: this.lastX, y: this.lastY } : null;
  }

  get best(): { x: number; y: number } | null {
    return Number.isFinite(this.bestY) ? { x: this.bestX, y: this.bestY } : null;
  }

  private reset(i: number): void {
    for (const f of FIELDS) this.b[f][i] = 0;
    this.b.min[i] = Infinity;
    this.b.max[i] = -Infinity;
  }

  add(x: number, y: number): void {
    this.count++;
    this.lastX = x;
    this.lastY = y;
    const b = this.b;
    const i = this.used;
    b.n[i]++;
    b.sumX[i] += x;
    if (Number.isNaN(y)) b.nan[i]++;
    else if (y === Infinity) b.posInf[i]++;
    else if (y === -Infinity) b.negInf[i]++;
    else {
      b.finite[i]++;
      b.sum[i] += y;
      if (y < b.min[i]) b.min[i] = y;
      if (y > b.max[i]) b.max[i] = y;
      if (y < this.bestY) {
        this.bestY = y;
        this.bestX = x;
      }
    }
    if (!Number.isFinite(y)) this.nonFinite++;
    if (b.n[i] < this.stride) return;
    this.used++;
    if (this.used >= this.maxPoints) this.halve();
    this.reset(this.used);
  }

  /** Merges neighbouring buckets in pairs (an odd last one stays as it is). */
  private halve(): void {
    const b = this.b;
    let w = 0;
    for (let r = 0; r < this.used; r += 2, w++) {
      const pair = r + 1 < this.used;
      for (const f of FIELDS) {
        const a = b[f][r];
        const c = pair ? b[f][r + 1] : f === 'min' ? Infinity : f === 'max' ? -Infinity : 0;
        b[f][w] = f === 'min' ? Math.min(a, c) : f === 'max' ? Math.max(a, c) : a + c;
      }
    }
    this.used = w;
    this.stride *= 2;
  }

  /** The buckets as points, oldest first (the bucket being filled included). */
  points(): SeriesPoint[] {
    const b = this.b;
    const out: SeriesPoint[] = [];
    const end = b.n[this.used] > 0 ? this.used + 1 : this.used;
    for (let i = 0; i < end; i++) {
      out.push({
        x: b.sumX[i] / b.n[i],
        y: b.finite[i] ? b.sum[i] / b.finite[i] : NaN,
        min: b.min[i],
        max: b.max[i],
        nan: b.nan[i],
        posInf: b.posInf[i],
        negInf: b.negInf[i],
      });
    }
    return out;
  }
}

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
        series[name] = { name, count: s.count, nonFinite: s.nonFinite, last: s.last, best: s.best, points: () => s.points() };
      }
      return { version: state.version + 1, names: [...this.series.keys()], series };
    });
  }

  /** Feeds a LogTail's batches until the returned function is called. */
  attach(tail: { onLines(listener: (lines: readonly string[]) => void): () => void }): () => void {
    return tail.onLines((lines) => this.feed(lines));
  }
}
