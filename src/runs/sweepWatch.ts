/**
 * Notices, in the cockpit, when every run of a sweep has ended: once per sweep, and only for a
 * sweep it saw with a run still queued or running (a sweep that ended before the cockpit started
 * is old news). The alert carries the comparison's top three rows; finished runs go to
 * results.jsonl on the way.
 */
import type { RunDisplayState, RunRow } from './runsModel.js';

const LIVE: ReadonlySet<RunDisplayState> = new Set<RunDisplayState>(['queued', 'running']);

export class SweepWatch {
  /** Sweeps seen with a live run, not yet announced. */
  private readonly live = new Set<string>();
  private readonly announced = new Set<string>();

  /**
   * The sweeps that ended with these rows. `complete`: every host's runs are known (a host not
   * read yet could still hold a queued run of the sweep).
   */
  ended(rows: readonly RunRow[], complete: boolean): string[] {
    const bySweep = new Map<string, RunRow[]>();
    for (const r of rows) if (r.sweep) bySweep.set(r.sweep, [...(bySweep.get(r.sweep) ?? []), r]);
    const out: string[] = [];
    for (const [sweep, runs] of bySweep) {
      if (runs.some((r) => LIVE.has(r.state))) {
        if (!this.announced.has(sweep)) this.live.add(sweep);
        continue;
      }
      if (complete && this.live.has(sweep)) {
        this.live.delete(sweep);
        this.announced.add(sweep);
        out.push(sweep);
      }
    }
    return out;
  }
}

/** The alert's text: which sweep, how its runs ended, its top three rows. */
export function sweepEndedText(sweep: string, rows: readonly RunRow[], top: readonly string[]): string {
  const runs = rows.filter((r) => r.sweep === sweep && r.state !== 'restarted');
  const finished = runs.filter((r) => r.state === 'finished').length;
  const head = `sweep ${sweep} ended: ${finished} of ${runs.length} run${runs.length === 1 ? '' : 's'} finished`;
  return [head, ...top].join('\n');
}

export interface SweepAlertDeps {
  /** The comparison of a sweep (top rows for the alert, metrics for results.jsonl). */
  compare(sweep: string): Promise<{ top: string[]; record(): Promise<unknown> }>;
  /** Rings the bell, raises the banner (one line) and pushes the whole text to the webhook. */
  announce(banner: string, text: string): void;
}

/** The cockpit's handler of every new set of rows: one alert per sweep that ended. */
export function sweepAlerter(deps: SweepAlertDeps): (rows: readonly RunRow[], complete: boolean) => void {
  const watch = new SweepWatch();
  return (rows, complete) => {
    for (const sweep of watch.ended(rows, complete)) {
      void deps
        .compare(sweep)
        .catch(() => ({ top: [] as string[], record: async () => undefined }))
        .then(async ({ top, record }) => {
          const text = sweepEndedText(sweep, rows, top);
          deps.announce(`${text.split('\n')[0]}${top[0] ? ` — ${top[0].replace(/^1\. /, 'best: ')}` : ''}`, text);
          await record().catch(() => undefined);
        });
    }
  };
}
