/**
 * explain_failure's reading of a log: which line says what went wrong (the one grammar of
 * src/logs/grammar.ts, as the smoke verdict and the watchdog read it) and the lines around it,
 * cut to a byte cap, with the byte offsets to read more with run_log.
 */
import { classifyLine } from '../logs/grammar.js';
import { lastCarriageSegment, safeText } from '../text/sanitise.js';

export type FailureKind = 'cuda-oom' | 'nccl-timeout' | 'traceback' | 'nan-loss';

export interface FailureLines {
  /** What the log shows, or null when no line of the scanned part says anything went wrong. */
  kind: FailureKind | null;
  /** The line that says it (sanitised), e.g. the exception line ending the traceback. */
  line: string | null;
  /** Byte offset of that line in the log. */
  lineOffset: number | null;
  /** The excerpt, sanitised, one string per line. */
  excerpt: string[];
  /** Byte offset of the excerpt's first line; pass it to run_log as offset to read on from there. */
  excerptOffset: number;
  /** Byte offset just past the excerpt's last line. */
  excerptEnd: number;
  /** Lines of the window the cap left out (from the window's start: the end holds the cause). */
  linesLeftOut: number;
  /** Byte offset of the window's first line (before the cap). */
  windowOffset: number;
}

export const HINTS: Record<FailureKind | 'exit-code' | 'killed', string> = {
  'cuda-oom':
    'reduce the batch size (or sequence length), enable gradient checkpointing, or pick GPUs with free memory (fleet_status freeGpus)',
  'nccl-timeout':
    'a collective timed out: one rank died or hung (look at the other ranks), or raise the NCCL timeout; restart_from_checkpoint once it is fixed',
  traceback: 'the exception line says what failed; fix the code, sync, smoke_test, then restart_from_checkpoint',
  'nan-loss':
    'the loss diverged: lower the learning rate, add gradient clipping, or restart from an earlier checkpoint',
  'exit-code': 'no failure line in the log: read the end of the log with run_log',
  killed:
    'killed by a signal (the OOM killer for host memory, a stop, or a preemption): check host memory and the events',
};

interface Located {
  kind: FailureKind;
  /** Index of the line that says it. */
  at: number;
  /** The window's first and last line index. */
  from: number;
  to: number;
}

/** The traceback around line i: [start, exception line], or null. */
function tracebackAround(
  tracebacks: { start: number; end: number }[],
  i: number,
): { start: number; end: number } | null {
  return tracebacks.find((t) => t.start <= i && i <= t.end) ?? null;
}

function locate(lines: readonly string[], context: number): Located | null {
  const tracebacks: { start: number; end: number }[] = [];
  let open = -1;
  let oom = -1;
  let nccl = -1;
  let nan = -1;
  lines.forEach((raw, i) => {
    const line = lastCarriageSegment(raw);
    const f = classifyLine(line);
    if (f.tracebackStart) open = i;
    else if (open !== -1 && f.exceptionLine) {
      tracebacks.push({ start: open, end: i });
      open = -1;
    }
    if (oom === -1 && f.oom) oom = i;
    if (nccl === -1 && f.ncclTimeout) nccl = i;
    if (nan === -1 && f.badLoss) nan = i;
  });
  if (open !== -1) tracebacks.push({ start: open, end: lines.length - 1 }); // cut off by the end of the log
  const around = (kind: FailureKind, at: number): Located => {
    const t = tracebackAround(tracebacks, at);
    if (t) return { kind, at: kind === 'traceback' ? t.end : at, from: Math.max(0, t.start - context), to: t.end };
    return { kind, at, from: Math.max(0, at - context), to: Math.min(lines.length - 1, at + context) };
  };
  // the same order as the smoke verdict: what the GPU said first, then a collective, the exception, the loss
  if (oom !== -1) return around('cuda-oom', oom);
  if (nccl !== -1) return around('nccl-timeout', nccl);
  const last = tracebacks.at(-1);
  if (last) return around('traceback', last.end);
  if (nan !== -1) return around('nan-loss', nan);
  return null;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * `lines` are the raw lines of the log from byte `fromOffset` on (whole lines). The window is the
 * traceback around the failure (or `context` lines either side of it), or the last `context`
 * lines when nothing failed; at most capBytes of it come back, keeping its end.
 */
export function failureLines(
  lines: readonly string[],
  fromOffset: number,
  opts: { context: number; capBytes: number },
): FailureLines {
  const offsets: number[] = [];
  let o = fromOffset;
  for (const l of lines) {
    offsets.push(o);
    o += bytes(l) + 1;
  }
  const found = locate(lines, opts.context);
  const from = found ? found.from : Math.max(0, lines.length - opts.context);
  const to = found ? found.to : lines.length - 1;
  const kept: string[] = [];
  let size = 0;
  let first = to + 1;
  for (let i = to; i >= from; i--) {
    let clean = safeText(lines[i]);
    // one line bigger than the cap (a progress bar without newlines) keeps its end
    if (bytes(clean) > opts.capBytes) clean = Buffer.from(clean).subarray(-opts.capBytes).toString('utf8');
    if (kept.length > 0 && size + bytes(clean) + 1 > opts.capBytes) break;
    kept.unshift(clean);
    size += bytes(clean) + 1;
    first = i;
  }
  return {
    kind: found?.kind ?? null,
    line: found ? safeText(lines[found.at]) : null,
    lineOffset: found ? offsets[found.at] : null,
    excerpt: kept,
    excerptOffset: first <= to ? offsets[first] : o,
    excerptEnd: to >= 0 && first <= to ? offsets[to] + bytes(lines[to]) + 1 : o,
    linesLeftOut: first - from,
    windowOffset: from < lines.length ? offsets[from] : o,
  };
}
