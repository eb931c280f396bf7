/**
 * What the Sessions pane shows of each live trainyard run beyond tmux's own fields: its GPUs
 * (from its manifest), its progress and latest loss (from the end of its log, read with the one
 * grammar). Display strings, so a probe whose facts did not change changes nothing in the store.
 */
import { formatNumber, formatProgress } from '../format/runs.js';
import { RUNS_DIR } from '../runs/layout.js';
import { parseRunManifest } from '../runs/manifest.js';
import { tailFacts } from '../runs/tailFacts.js';

export interface RunFacts {
  /** "0,1" or "all". */
  gpus: string;
  /** "45% 450/1000", or '' until the log says. */
  progress: string;
  /** "0.8312", or '' until the log says. */
  loss: string;
}

/**
 * Facts by session from the manifests of the live sessions and the ends of their logs (by
 * session name; a run whose log is not the default ~/.trainyard/runs/NAME.log shows no progress).
 */
export function readRunFacts(
  manifestLines: readonly string[],
  tails: ReadonlyMap<string, string>,
  previous: Readonly<Record<string, RunFacts>> = {},
): Record<string, RunFacts> {
  const facts: Record<string, RunFacts> = {};
  for (const line of manifestLines) {
    const { manifest } = parseRunManifest(line, '');
    if (!manifest) continue;
    const tail = manifest.log.endsWith(`/${RUNS_DIR}/${manifest.session}.log`)
      ? tails.get(manifest.session)
      : undefined;
    const f = tail === undefined ? null : tailFacts(tail);
    const progress = f?.progress
      ? formatProgress(
          { ...f.progress, percent: Math.max(0, Math.min(100, (f.progress.done / f.progress.total) * 100)) },
          true,
        )
      : '';
    const now: RunFacts = {
      gpus: manifest.gpus ?? 'all',
      // the percentage first: a cut cell keeps it
      progress: progress.replace(/^(.*) (\d+%)$/, '$2 $1'),
      loss: f?.loss ? formatNumber(f.loss.value) : '',
    };
    const before = previous[manifest.session];
    // unchanged facts keep their identity: the row does not draw again
    facts[manifest.session] =
      before && before.gpus === now.gpus && before.progress === now.progress && before.loss === now.loss ? before : now;
  }
  return facts;
}
