/**
 * What the end of a run's log says about it: its progress (the one grammar's PROGRESS rules, the
 * same the log pane and the watchdog use) and its latest loss (the metrics scanner, or the
 * project's own "metrics" pattern).
 */
import { classifyLine, type Progress, TRAIN_LOSS_NAMES } from '../logs/grammar.js';
import { createMetricsParser, type MetricsParser, MetricsPatternError } from '../logs/metricsParse.js';
import { lastCarriageSegment } from '../text/sanitise.js';

export interface TailFacts {
  progress: Progress | null;
  /** The latest training loss (or, without one, the latest value of any name ending in "loss"). */
  loss: { name: string; value: number } | null;
}

/** Outer loops first: "epoch 3/10" says more about a run than the inner bar of epoch 3. */
const KIND_RANK: Record<Progress['kind'], number> = { epoch: 0, step: 1, tqdm: 2 };

const parsers = new Map<string, MetricsParser>();
function parserFor(pattern: string | null | undefined): MetricsParser {
  const key = pattern ?? '';
  let p = parsers.get(key);
  if (!p) {
    try {
      p = createMetricsParser(pattern);
    } catch (error) {
      if (!(error instanceof MetricsPatternError)) throw error;
      p = createMetricsParser(null); // the config check reports a bad pattern; here the scanner still helps
    }
    parsers.set(key, p);
  }
  return p;
}

/**
 * Facts from the last KB of a log. When the tail was `cut` from a longer log its first line may
 * start in the middle, so it is left out (unless it is the only one).
 */
export function tailFacts(text: string, metricsPattern?: string | null, cut = true): TailFacts {
  const raw = text.split('\n');
  const lines = (cut && raw.length > 1 ? raw.slice(1) : raw).map(lastCarriageSegment);
  let progress: Progress | null = null;
  let loss: TailFacts['loss'] = null;
  let anyLoss: TailFacts['loss'] = null;
  const parser = parserFor(metricsPattern);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (!line) continue;
    const p = line.includes('/') ? classifyLine(line).progress : null;
    if (p && p.total > 0 && (progress === null || KIND_RANK[p.kind] < KIND_RANK[progress.kind])) progress = p;
    if (loss === null) {
      const sample = parser.parse(line);
      if (sample) {
        for (const [name, value] of Object.entries(sample.values)) {
          if (TRAIN_LOSS_NAMES.includes(name)) {
            loss = { name, value };
            break;
          }
          if (anyLoss === null && /loss[a-z0-9_]*$/.test(name)) anyLoss = { name, value };
        }
      }
    }
    if (loss !== null && progress?.kind === 'epoch') break;
  }
  return { progress, loss: loss ?? anyLoss };
}
