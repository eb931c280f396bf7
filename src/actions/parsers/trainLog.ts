/**
 * Reads a training log line by line (a smoke test's live output, or a run's log) and says
 * what went wrong, if anything: GPU out of memory (CUDA or HIP), a NaN/inf loss, a Python
 * traceback. What a line says comes from the one grammar (logs/grammar.ts) the watchdog's awk
 * is generated from; the loss values from the chart's parser (logs/metricsParse.ts).
 * Checked against real logs in test/fixtures/logs.
 */
import { badLossText, classifyLine, TRAIN_LOSS_NAMES } from '../../logs/grammar.js';
import { createMetricsParser, MetricReading, type MetricsParser } from '../../logs/metricsParse.js';

export interface LossPoint {
  value: number;
  text: string;
  line: number;
}

export interface LogFindings {
  lines: number;
  /** The training loss's values (loss, train_loss, train/loss…; val_loss is not the training loss). */
  losses: LossPoint[];
  /** The first NaN/inf loss of any kind (val_loss too), as the watchdog calls a run diverged. */
  badLoss: LossPoint | null;
  /** The first line saying the GPU ran out of memory. */
  cudaOom: string | null;
  /** The exception line that ended the last traceback, e.g. "ValueError: bad shape". */
  exception: string | null;
  tracebackSeen: boolean;
}

function lossValue(text: string): number {
  const t = text.toLowerCase().replace(/^\+/, '');
  if (t.includes('nan')) return Number.NaN;
  if (t.includes('inf')) return t.startsWith('-') ? -Infinity : Infinity;
  return Number(t);
}

/** Incremental: push lines as they arrive, read findings at any time. */
export class TrainLogReader {
  private readonly findings: LogFindings = {
    lines: 0,
    losses: [],
    badLoss: null,
    cudaOom: null,
    exception: null,
    tracebackSeen: false,
  };
  private inTraceback = false;
  private readonly metrics: MetricsParser;
  private readonly reading = new MetricReading();

  /** `metricsPattern`: the project's metrics pattern (its loss group is the loss), or the default scanner. */
  constructor(metricsPattern?: string | null) {
    try {
      this.metrics = createMetricsParser(metricsPattern);
    } catch {
      this.metrics = createMetricsParser(null);
    }
  }

  push(line: string): void {
    const f = this.findings;
    f.lines++;
    const facts = classifyLine(line);
    if (facts.tracebackStart) {
      this.inTraceback = true;
      f.tracebackSeen = true;
    } else if (this.inTraceback && facts.exceptionLine) {
      // The first exception line after the frames ends it (chained ones repeat the pattern).
      f.exception = line.trim().slice(0, 400);
      this.inTraceback = false;
    }
    if (f.cudaOom === null && facts.oom) f.cudaOom = line.trim().slice(0, 400);
    if (f.badLoss === null && facts.badLoss) {
      const text = badLossText(line) ?? 'nan';
      f.badLoss = { value: lossValue(text), text, line: f.lines };
    }
    if (this.metrics.read(line, this.reading)) {
      const i = this.reading.names.findIndex((n) => TRAIN_LOSS_NAMES.includes(n));
      if (i !== -1 && f.losses.length < 100_000) {
        const value = this.reading.values[i];
        f.losses.push({ value, text: String(value), line: f.lines });
      }
    }
  }

  result(): LogFindings {
    return { ...this.findings, losses: [...this.findings.losses] };
  }
}

export function readLog(lines: Iterable<string>, metricsPattern?: string | null): LogFindings {
  const r = new TrainLogReader(metricsPattern);
  for (const l of lines) r.push(l);
  return r.result();
}

export interface LossTrend {
  trend: 'down' | 'not-down' | 'unknown';
  first: number | null;
  last: number | null;
  count: number;
}

/**
 * Did the loss go down? Compares the mean of the first fifth of the finite values with the
 * mean of the last fifth (at least one value each), so one noisy step decides nothing.
 */
export function lossTrend(losses: readonly LossPoint[]): LossTrend {
  const finite = losses.map((l) => l.value).filter(Number.isFinite);
  if (finite.length < 2)
    return {
      trend: 'unknown',
      first: finite[0] ?? null,
      last: finite[finite.length - 1] ?? null,
      count: finite.length,
    };
  const k = Math.max(1, Math.floor(finite.length / 5));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const head = mean(finite.slice(0, k));
  const tail = mean(finite.slice(-k));
  return {
    trend: tail < head - Math.abs(head) * 1e-3 ? 'down' : 'not-down',
    first: finite[0],
    last: finite[finite.length - 1],
    count: finite.length,
  };
}

export type SmokeCause =
  | 'passed'
  | 'time-limit'
  | 'cuda-oom'
  | 'nan-loss'
  | 'traceback'
  | 'exit-code'
  | 'killed'
  | 'timeout'
  | 'cancelled'
  | 'not-connected';

export interface SmokeVerdict {
  ok: boolean;
  cause: SmokeCause;
  summary: string;
  hint: string | null;
  loss: LossTrend;
  details: string[];
}

export interface SmokeEnd {
  code: number | null;
  signal?: string | null;
  timedOut?: boolean;
  cancelled?: boolean;
  seconds: number;
  limitSeconds?: number;
}

function fmt(n: number | null): string {
  if (n === null) return '?';
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) >= 100 || n === 0 ? String(Number(n.toPrecision(6))) : n.toPrecision(4);
}

export function describeTrend(t: LossTrend): string {
  if (t.trend === 'unknown')
    return t.count === 0 ? 'no loss values seen in the output' : `one loss value seen (${fmt(t.first)})`;
  return t.trend === 'down'
    ? `loss went down: ${fmt(t.first)} → ${fmt(t.last)} over ${t.count} values`
    : `loss did NOT go down: ${fmt(t.first)} → ${fmt(t.last)} over ${t.count} values`;
}

/** The verdict of a smoke test from what its output showed and how it ended. */
export function smokeVerdict(f: LogFindings, end: SmokeEnd): SmokeVerdict {
  const loss = lossTrend(f.losses);
  const details = [describeTrend(loss), `ran ${end.seconds.toFixed(1)} s, ${f.lines} output lines`];
  const v = (ok: boolean, cause: SmokeCause, summary: string, hint: string | null): SmokeVerdict => ({
    ok,
    cause,
    summary,
    hint,
    loss,
    details,
  });
  if (end.cancelled) return v(false, 'cancelled', 'smoke test cancelled (the remote process was stopped)', null);
  if (end.signal === 'not-connected' || end.signal === 'disconnected')
    return v(
      false,
      'not-connected',
      `smoke test lost its connection (${end.signal})`,
      'the host dropped: check the Hosts pane, then run it again',
    );
  if (f.cudaOom !== null)
    return v(
      false,
      'cuda-oom',
      `CUDA out of memory: ${f.cudaOom}`,
      'reduce the batch size (or sequence length), enable gradient checkpointing, or pick GPUs with free memory',
    );
  if (f.badLoss !== null) {
    return v(
      false,
      'nan-loss',
      `loss became ${f.badLoss.text} (output line ${f.badLoss.line})`,
      'lower the learning rate, clip gradients, or use bf16 / loss scaling instead of plain fp16',
    );
  }
  if (f.exception !== null || (f.tracebackSeen && end.code !== 0)) {
    return v(
      false,
      'traceback',
      `Python error: ${f.exception ?? 'traceback (see the output)'}`,
      'read the traceback above; fix it locally, sync, run the smoke test again',
    );
  }
  if (end.timedOut) {
    if (loss.count > 0)
      return v(
        true,
        'time-limit',
        `no error in the first ${end.limitSeconds ?? Math.round(end.seconds)} s (stopped at the time limit)`,
        null,
      );
    return v(
      false,
      'timeout',
      `no loss printed within the time limit of ${end.limitSeconds ?? Math.round(end.seconds)} s`,
      'the run may hang (data loading?) — or raise smokeTimeoutSeconds, or make the smoke command shorter',
    );
  }
  if (end.code === null)
    return v(
      false,
      'killed',
      `the smoke test was killed${end.signal ? ` (${end.signal})` : ''}`,
      'out of host memory? check `dmesg` on the host',
    );
  if (end.code !== 0) {
    const hint =
      end.code === 127
        ? 'a command was not found on the host (python? conda?)'
        : end.code === 137
          ? 'killed (out of host memory?)'
          : 'read the output above';
    return v(false, 'exit-code', `the smoke command exited with code ${end.code}`, hint);
  }
  return v(
    true,
    'passed',
    loss.trend === 'not-down' ? 'passed, but the loss did not go down' : 'passed',
    loss.trend === 'not-down' ? 'check the learning rate and the data' : null,
  );
}
