/**
 * The one grammar of training logs: what a line of a training log says. The smoke verdict
 * (actions/parsers/trainLog.ts), the loss chart (logs/metricsParse.ts) and the server-side
 * watchdog read lines with these rules; the watchdog's awk is generated from them
 * (logs/grammarAwk.ts), and a table test holds TypeScript and awk to the same answers.
 *
 * So that one definition means the same in JavaScript and in mawk, gawk and busybox awk, the
 * rules are written in a small common language: lists of phrases (found in the lower-cased line)
 * and POSIX extended regular expressions without \d \s \w, lookarounds, lazy or {n} repeats.
 */

/** OR over alternatives; an alternative holds when each of its groups has one of its phrases in the line. */
export type Phrases = readonly (readonly (readonly string[])[])[];

/** Out of memory on the GPU: CUDA (NVIDIA) and HIP (AMD ROCm). */
export const OOM: Phrases = [
  [
    [
      'cuda out of memory',
      'hip out of memory',
      'outofmemoryerror',
      'cuda error: out of memory',
      'hip error: out of memory',
      'cublas_status_alloc_failed',
      'hipblas_status_alloc_failed',
    ],
  ],
];

/** A collective that timed out (NCCL on NVIDIA, RCCL on AMD), as PyTorch's watchdog reports it. */
export const NCCL_TIMEOUT: Phrases = [
  [['collective operation timeout']],
  [
    ['nccl', 'rccl'],
    ['timed out', 'timing out', 'timeout(ms)'],
  ],
];

/** The first line of a Python traceback (matched at the start of the line). */
export const TRACEBACK_START = 'Traceback (most recent call last)';

/** The exception line that ends a traceback: a (dotted) name, then ": message" or nothing. */
export const EXCEPTION_LINE = '^[A-Za-z_][A-Za-z0-9_.]*(:( |$)|$)';

/**
 * A loss that is NaN or infinite, in the lower-cased line: any name ending in loss (loss,
 * val_loss, train/loss, loss_total), then = : is was became of, then nan / inf / infinity.
 */
export const BAD_LOSS =
  '(^|[^a-z0-9_])([a-z][a-z0-9_./-]*[_./-])?loss[a-z0-9_]*[^a-z0-9 \t]?[ \t]*(is|was|became|of|[:=])?[ \t]*([-+]?(nan|inf|infinity))([^a-z0-9_]|$)';

/**
 * Progress, first match wins, in the lower-cased line: the last "done/total" of the matched text.
 * tqdm prints "45%|████▌     | 450/1000 [00:12<00:15, 36.1it/s]".
 */
export const PROGRESS: readonly { kind: 'tqdm' | 'step' | 'epoch'; pattern: string }[] = [
  { kind: 'tqdm', pattern: '[0-9]+%[ \t]*[|][^|]*[|][ \t]*[0-9]+/[0-9]+' },
  { kind: 'step', pattern: '(^|[^a-z0-9_])(step|iter|iteration|batch)[ \t:=[]*[0-9]+[ \t]*/[ \t]*[0-9]+' },
  { kind: 'epoch', pattern: '(^|[^a-z0-9_])epoch[ \t:=[]*[0-9]+[ \t]*/[ \t]*[0-9]+' },
];

/** The training loss's names (the smoke test's trend); val_loss and friends are metrics of their own. */
export const TRAIN_LOSS_NAMES: readonly string[] = [
  'loss',
  'train_loss',
  'train/loss',
  'train.loss',
  'training_loss',
  'train-loss',
];

/** Metric names the chart finds without a pattern: anything ending in one of these (val_loss, train/acc). */
export const METRIC_NAMES: readonly string[] = [
  'loss',
  'lr',
  'learning_rate',
  'acc',
  'accuracy',
  'ppl',
  'perplexity',
  'grad_norm',
];

/** Names of the x axis, best first. */
export const X_NAMES: readonly string[] = ['step', 'global_step', 'iter', 'iteration', 'x', 'epoch'];

export interface Progress {
  kind: 'tqdm' | 'step' | 'epoch';
  done: number;
  total: number;
}

/** What one line says. */
export interface LineFacts {
  oom: boolean;
  ncclTimeout: boolean;
  tracebackStart: boolean;
  /** The line could end a traceback (callers know whether one is open). */
  exceptionLine: boolean;
  badLoss: boolean;
  progress: Progress | null;
}

export function phrasesMatch(phrases: Phrases, lowerLine: string): boolean {
  return phrases.some((alternative) => alternative.every((group) => group.some((p) => lowerLine.includes(p))));
}

const re = (pattern: string) => new RegExp(pattern);
const EXCEPTION_RE = re(EXCEPTION_LINE);
const BAD_LOSS_RE = re(BAD_LOSS);
const BAD_LOSS_AT = new RegExp(BAD_LOSS, 'd');
const PROGRESS_RE = PROGRESS.map((p) => ({ kind: p.kind, re: re(p.pattern) }));

/** done/total from a matched text: the digits either side of its last "/". */
export function progressNumbers(text: string): { done: number; total: number } {
  const slash = text.lastIndexOf('/');
  const done = /([0-9]+)[ \t]*$/.exec(text.slice(0, slash))?.[1] ?? '';
  const total = /^[ \t]*([0-9]+)/.exec(text.slice(slash + 1))?.[1] ?? '';
  return { done: Number(done), total: Number(total) };
}

/** The bad value a BAD_LOSS line names ("nan", "-inf"), or null when it names none. */
export function badLossText(line: string): string | null {
  const at = BAD_LOSS_AT.exec(asciiLower(line))?.indices?.[4];
  return at ? line.slice(at[0], at[1]) : null;
}

/** ASCII letters only, as awk's tolower() does under LC_ALL=C. */
export function asciiLower(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

/** The facts of one line (without its newline; a \r-updated line is read as its last segment by the caller). */
export function classifyLine(line: string): LineFacts {
  const lower = asciiLower(line);
  let progress: Progress | null = null;
  if (line.includes('/'))
    for (const p of PROGRESS_RE) {
      const m = p.re.exec(lower);
      if (m) {
        progress = { kind: p.kind, ...progressNumbers(m[0]) };
        break;
      }
    }
  return {
    oom: phrasesMatch(OOM, lower),
    ncclTimeout: phrasesMatch(NCCL_TIMEOUT, lower),
    tracebackStart: line.startsWith(TRACEBACK_START),
    exceptionLine: EXCEPTION_RE.test(line),
    badLoss: lower.includes('loss') && BAD_LOSS_RE.test(lower),
    progress,
  };
}
