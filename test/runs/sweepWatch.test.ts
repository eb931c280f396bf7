import { describe, expect, it } from 'vitest';
import type { RunDisplayState, RunRow } from '../../src/runs/runsModel.js';
import { SweepWatch, sweepAlerter } from '../../src/runs/sweepWatch.js';

const row = (id: string, state: RunDisplayState, sweep: string | null = 'lr') =>
  ({ key: `h/${id}`, id, host: 'h', sweep, state }) as RunRow;

describe('a sweep that ends is announced once', () => {
  it('only when every run of it ended, after it was seen live, and once', () => {
    const w = new SweepWatch();
    expect(w.ended([row('a', 'running'), row('b', 'queued')], true)).toEqual([]);
    expect(w.ended([row('a', 'finished'), row('b', 'running')], true)).toEqual([]);
    // a host not read yet could still hold a queued run of it
    expect(w.ended([row('a', 'finished'), row('b', 'crashed')], false)).toEqual([]);
    expect(w.ended([row('a', 'finished'), row('b', 'crashed')], true)).toEqual(['lr']);
    expect(w.ended([row('a', 'finished'), row('b', 'crashed')], true)).toEqual([]);
    // a sweep that had ended before the cockpit looked is old news
    expect(new SweepWatch().ended([row('x', 'finished', 'old')], true)).toEqual([]);
  });

  it('carries the top three rows to the bell, the banner and the webhook, and records the results', async () => {
    const announced: { banner: string; text: string }[] = [];
    let recorded = 0;
    const onRows = sweepAlerter({
      compare: async (sweep) => ({
        top: [`1. ${sweep}-b lr=3e-4 val_loss 0.21 (best)`, `2. ${sweep}-a lr=1e-3 val_loss 0.3`],
        record: async () => void recorded++,
      }),
      announce: (banner, text) => announced.push({ banner, text }),
    });
    onRows([row('a', 'running'), row('b', 'running')], true);
    onRows([row('a', 'finished'), row('b', 'finished'), row('c', 'restarted')], true);
    await new Promise((r) => setTimeout(r, 10));
    expect(announced).toEqual([
      {
        banner: 'sweep lr ended: 2 of 2 runs finished — best: lr-b lr=3e-4 val_loss 0.21 (best)',
        text: 'sweep lr ended: 2 of 2 runs finished\n1. lr-b lr=3e-4 val_loss 0.21 (best)\n2. lr-a lr=1e-3 val_loss 0.3',
      },
    ]);
    expect(recorded).toBe(1);
  });
});
