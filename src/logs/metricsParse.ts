/**
 * Numbers from training-log lines (`loss`, `val_loss`, `lr`, …): the default scanner and a
 * project's own pattern. The names the scanner knows come from the one grammar (grammar.ts).
 *
 * A project may set ProjectConfig.metrics: a regex whose named groups are the metrics, e.g.
 * `step (?<step>\d+) loss (?<loss>\S+)`; a group named step/global_step/iter/iteration/x/epoch
 * (first found, in that order) is the x axis, every other group a series. It is applied with the
 * g flag, so one line may hold several matches; `/body/flags` is accepted too. Without one, a
 * scanner finds `name value`, `name=value`, `name: value` and `'name': value` pairs for known
 * names (anything ending in loss, lr, learning_rate, acc, accuracy, ppl, perplexity, grad_norm).
 * nan and inf are kept as values: they are what a diverging run prints.
 */
import { stripSgr } from '../text/sanitise.js';
import { METRIC_NAMES as GRAMMAR_METRIC_NAMES, X_NAMES as GRAMMAR_X_NAMES } from './grammar.js';

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

const X_NAMES: readonly string[] = GRAMMAR_X_NAMES;
/** The x names the default scanner looks for ('x' alone would match too much). */
const SCANNED_X_NAMES = X_NAMES.filter((n) => n !== 'x');
const METRIC_NAMES = GRAMMAR_METRIC_NAMES.join('|');
/** A known metric name, possibly prefixed (val_loss, train/loss, eval.acc), or an x name. */
const KNOWN_NAME = new RegExp(
  `^(?:(?:[a-z][\\w./-]*[_/.-])?(?:${METRIC_NAMES})|loss\\w*|${SCANNED_X_NAMES.join('|')})$`,
);
/** Where a name may be: the core words, found fast; the whole name is then read around them. */
const CORE = /accuracy|learning_rate|perplexity|grad_norm|global_step|iteration|epoch|loss|step|iter|acc|ppl|lr/gi;

function isNameChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x5f ||
    c === 0x2e ||
    c === 0x2f ||
    c === 0x2d
  );
}
function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}
/** What may stand before a name or after a value: space, punctuation of dicts and tables, quotes. */
function isBoundary(c: number): boolean {
  return (
    Number.isNaN(c) ||
    c === 0x20 ||
    c === 0x09 ||
    c === 0x2c ||
    c === 0x3b ||
    c === 0x7b ||
    c === 0x7d ||
    c === 0x28 ||
    c === 0x29 ||
    c === 0x5b ||
    c === 0x5d ||
    c === 0x7c ||
    c === 0x27 ||
    c === 0x22
  );
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
    throw new MetricsPatternError(
      `metrics pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${(error as Error).message}`,
    );
  }
  if (!/\(\?<[A-Za-z_$][\w$]*>/.test(body))
    throw new MetricsPatternError(`metrics pattern ${JSON.stringify(pattern)} has no named group (e.g. (?<loss>\\S+))`);
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
