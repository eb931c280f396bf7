import { describe, expect, it } from 'vitest';
import { freeGpus, type HostCapacity, placeRuns } from '../../src/sweeps/placement.js';
import { planRebalance } from '../../src/sweeps/rebalance.js';

const gpus = (n: number, busy: number[] = [], mem: Record<number, number> = {}) =>
  Array.from({ length: n }, (_, index) => ({ index, busy: busy.includes(index), memoryUsedMiB: mem[index] ?? 0 }));

const host = (name: string, g: HostCapacity['gpus'], extra: Partial<HostCapacity> = {}): HostCapacity => ({
  host: name,
  gpus: g,
  assigned: [],
  queued: 0,
  ...extra,
});

const runs = (n: number) => Array.from({ length: n }, (_, i) => `r${i + 1}`);
const base = { gpusPerRun: 1, share: false, maxParallel: null, running: 0, freeMemoryMiB: null };

describe('placement', () => {
  it('fills free GPUs in host preference order, queues the rest so each queue matches its GPU count', () => {
    const p = placeRuns({ ...base, hosts: [host('a', gpus(2)), host('b', gpus(1))], runs: runs(6) });
    expect(p.now).toEqual([
      { run: 'r1', host: 'a', gpus: [0] },
      { run: 'r2', host: 'a', gpus: [1] },
      { run: 'r3', host: 'b', gpus: [0] },
    ]);
    expect(p.queued).toEqual([
      { run: 'r4', host: 'a' },
      { run: 'r5', host: 'a' },
      { run: 'r6', host: 'b' },
    ]);
    const reversed = placeRuns({ ...base, hosts: [host('b', gpus(1)), host('a', gpus(2))], runs: runs(2) });
    expect(reversed.now.map((n) => n.host)).toEqual(['b', 'a']);
  });

  it('a GPU with a compute process, one in a live run manifest, or over the memory threshold is not free', () => {
    const h = host('a', gpus(4, [1], { 3: 5000 }), { assigned: [2] });
    expect(freeGpus(h, false, null)).toEqual([0, 3]);
    expect(freeGpus(h, false, 4000)).toEqual([0]);
    expect(freeGpus(host('a', gpus(2), { assigned: ['all'] }), false, null)).toEqual([]);
    expect(freeGpus(host('a', null), false, null)).toEqual([]);
    const p = placeRuns({ ...base, hosts: [h], runs: runs(3), freeMemoryMiB: 4000 });
    expect(p.now).toEqual([{ run: 'r1', host: 'a', gpus: [0] }]);
    expect(p.queued.map((q) => q.run)).toEqual(['r2', 'r3']);
  });

  it('never puts two runs on one GPU without share; with share it spreads them over the GPUs in turn', () => {
    const hosts = [host('a', gpus(2, [0])), host('b', gpus(1))];
    const strict = placeRuns({ ...base, hosts, runs: runs(4) });
    const used = strict.now.map((n) => `${n.host}:${n.gpus.join(',')}`);
    expect(new Set(used).size).toBe(used.length);
    expect(used).toEqual(['a:1', 'b:0']);
    const shared = placeRuns({ ...base, share: true, hosts, runs: runs(5) });
    expect(shared.now.map((n) => `${n.host}:${n.gpus.join(',')}`)).toEqual(['a:0', 'a:1', 'b:0', 'a:0', 'a:1']);
  });

  it('--max-parallel caps the sweep, counting its runs already running', () => {
    const hosts = [host('a', gpus(4))];
    expect(placeRuns({ ...base, hosts, runs: runs(6), maxParallel: 3 }).now).toHaveLength(3);
    const p = placeRuns({ ...base, hosts, runs: runs(6), maxParallel: 3, running: 2 });
    expect(p.now).toHaveLength(1);
    expect(p.queued).toHaveLength(5);
  });

  it('gives a run all its GPUs on one host; a host with too few GPUs never gets it', () => {
    const p = placeRuns({
      ...base,
      gpusPerRun: 2,
      hosts: [host('a', gpus(1)), host('b', gpus(4, [1]))],
      runs: runs(3),
    });
    expect(p.now).toEqual([{ run: 'r1', host: 'b', gpus: [0, 2] }]);
    expect(p.queued.map((q) => q.host)).toEqual(['b', 'b']);
    const none = placeRuns({ ...base, gpusPerRun: 8, hosts: [host('a', gpus(2)), host('b', null)], runs: runs(2) });
    expect(none).toEqual({ now: [], queued: [], unplaceable: ['r1', 'r2'], caps: null });
  });

  it('splits --max-parallel over the hosts: shares add up to the cap, queued runs go only where there is a share', () => {
    const sum = (m: Map<string, number> | null) => [...(m?.values() ?? [])].reduce((a, b) => a + b, 0);
    // the cap is used up by runs started now: the queue stays on the hosts running them
    const full = placeRuns({ ...base, hosts: [host('a', gpus(2)), host('b', gpus(2))], runs: runs(6), maxParallel: 2 });
    expect(full.now.map((n) => n.host)).toEqual(['a', 'a']);
    expect(full.queued.every((q) => q.host === 'a')).toBe(true);
    expect(Object.fromEntries(full.caps!)).toEqual({ a: 2, b: 0 });
    // every GPU busy: nothing starts now, the cap is shared out over the hosts with queued runs
    const busy = placeRuns({
      ...base,
      hosts: [host('a', gpus(2, [0, 1])), host('b', gpus(1, [0])), host('c', gpus(4, [0, 1, 2, 3]))],
      runs: runs(8),
      maxParallel: 4,
    });
    expect(busy.now).toEqual([]);
    expect(sum(busy.caps)).toBe(4);
    // no host gets more than it has GPUs for; every host with queued runs has a share
    expect(busy.caps!.get('b')).toBe(1);
    for (const q of busy.queued) expect(busy.caps!.get(q.host)).toBeGreaterThan(0);
    // runs of the sweep already running count on their host and against the cap
    const resumed = placeRuns({
      ...base,
      hosts: [host('a', gpus(2, [0])), host('b', gpus(2, [0, 1]))],
      runs: runs(3),
      maxParallel: 2,
      running: 1,
      runningOn: new Map([['a', 1]]),
    });
    expect(resumed.now).toEqual([{ run: 'r1', host: 'a', gpus: [1] }]);
    expect(Object.fromEntries(resumed.caps!)).toEqual({ a: 2, b: 0 });
    expect(resumed.queued.map((q) => q.host)).toEqual(['a', 'a']);
    // without a cap there are no shares
    expect(placeRuns({ ...base, hosts: [host('a', gpus(1))], runs: runs(2) }).caps).toBeNull();
  });

  it('counts what is already queued on a host when spreading the queue', () => {
    const p = placeRuns({
      ...base,
      hosts: [host('a', gpus(2, [0, 1]), { queued: 4 }), host('b', gpus(2, [0, 1]))],
      runs: runs(3),
    });
    expect(p.queued.map((q) => q.host)).toEqual(['b', 'b', 'b']);
  });
});

describe('rebalance plan', () => {
  const entry = (t: number, want = 1, sweep: string | null = 's') => ({
    name: `${String(1765000000000 + t)}-s-${t}`,
    want,
    sweep,
  });

  it('moves the oldest waiting entries from a busy host to spare GPUs elsewhere, never what the host starts itself', () => {
    const moves = planRebalance([
      { host: 'a', free: 0, entries: [entry(3), entry(1), entry(2)] },
      { host: 'b', free: 3, entries: [entry(4)] },
    ]);
    expect(moves.map((m) => [m.entry.name.slice(-3), m.from, m.to])).toEqual([
      ['s-1', 'a', 'b'],
      ['s-2', 'a', 'b'],
    ]);
  });

  it('moves nothing when every host can start its own queue, from an unreadable host, of a stopped sweep or a capped one', () => {
    expect(
      planRebalance([
        { host: 'a', free: 1, entries: [entry(1)] },
        { host: 'b', free: 2, entries: [] },
      ]),
    ).toEqual([]);
    expect(
      planRebalance([
        { host: 'a', free: null, entries: [entry(1)] },
        { host: 'b', free: 2, entries: [] },
      ]),
    ).toEqual([]);
    expect(
      planRebalance(
        [
          { host: 'a', free: 0, entries: [entry(1, 1, 'x')] },
          { host: 'b', free: 2, entries: [] },
        ],
        new Set(['x']),
      ),
    ).toEqual([]);
    expect(
      planRebalance([
        { host: 'a', free: 0, entries: [entry(1, 2)] },
        { host: 'b', free: 1, entries: [] },
      ]),
    ).toEqual([]);
    // a capped sweep's entries wait for their host's share: they stay; the others still move
    const pinned = planRebalance(
      [
        { host: 'a', free: 0, entries: [entry(1, 1, 'capped'), entry(2, 1, 'free')] },
        { host: 'b', free: 2, entries: [] },
      ],
      new Set(),
      new Set(['capped']),
    );
    expect(pinned.map((m) => m.entry.sweep)).toEqual(['free']);
  });

  it('an entry held up behind one that does not fit can move, as the watchdog would not start it', () => {
    const moves = planRebalance([
      { host: 'a', free: 1, entries: [entry(1, 2), entry(2, 1)] },
      { host: 'b', free: 1, entries: [] },
    ]);
    expect(moves.map((m) => [m.entry.name.slice(-3), m.from, m.to])).toEqual([['s-2', 'a', 'b']]);
  });
});
