/** The cockpit's queue rebalancing: only when a server queue holds a run, after a complete look, at most once a minute. */
import { describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/runs/runsModel.js';
import { QueueRebalancer, REBALANCE_EVERY_MS } from '../../src/sweeps/cockpitRebalance.js';
import type { Moved } from '../../src/sweeps/rebalanceHosts.js';
import type { SweepSession } from '../../src/sweeps/session.js';

const row = (state: RunRow['state'], wantGpus: number | null) => ({ state, wantGpus }) as RunRow;

describe('QueueRebalancer', () => {
  it('rebalances when a queued run waits, never more than once a minute, and says what moved', async () => {
    let clock = 1_000_000;
    const calls: number[] = [];
    const moved: Moved[][] = [];
    let answer: Moved[] = [{ id: 'lr-2', from: 'a', to: 'b' }];
    const r = new QueueRebalancer({
      session: {} as SweepSession,
      now: () => clock,
      rebalance: async () => {
        calls.push(clock);
        return answer;
      },
      onMoved: (m) => moved.push(m),
    });
    const settle = () => new Promise((res) => setTimeout(res, 0));
    r.onRows([row('running', null)], true); // nothing queued: nothing to do
    r.onRows([row('queued', 1)], false); // not every host read yet
    r.onRows([row('queued', null)], true); // a Slurm job waiting in its own queue: not ours to move
    expect(calls).toEqual([]);
    r.onRows([row('queued', 1)], true);
    await settle();
    expect(calls).toEqual([1_000_000]);
    expect(moved).toEqual([[{ id: 'lr-2', from: 'a', to: 'b' }]]);
    clock += REBALANCE_EVERY_MS - 1;
    r.onRows([row('queued', 1)], true);
    await settle();
    expect(calls).toHaveLength(1);
    clock += 1;
    answer = [];
    r.onRows([row('queued', 1)], true);
    await settle();
    expect(calls).toHaveLength(2);
    expect(moved).toHaveLength(1); // nothing moved the second time: no new look asked for
  });

  it('a rebalance that fails is forgotten; the next minute tries again', async () => {
    let clock = 0;
    let n = 0;
    const r = new QueueRebalancer({
      session: {} as SweepSession,
      now: () => clock,
      rebalance: async () => {
        n++;
        throw new Error('host gone');
      },
    });
    r.onRows([row('queued', 2)], true);
    await new Promise((res) => setTimeout(res, 0));
    clock += REBALANCE_EVERY_MS;
    r.onRows([row('queued', 2)], true);
    await new Promise((res) => setTimeout(res, 0));
    expect(n).toBe(2);
  });
});
