import { describe, expect, it } from 'vitest';
import { parseGpuLine } from '../../src/parsers/nvidiaSmi.js';
import { createTrainyardStore, HISTORY_LENGTH, recordGpuSample } from '../../src/state/store.js';

const gpu = (util: number) => parseGpuLine(`0, GPU-1, NVIDIA H100 80GB HBM3, ${util}, 20085, 81559, 63, 697.65`)!;

describe('GPU samples in the store', () => {
  it('keeps a bounded utilisation history per GPU', () => {
    const store = createTrainyardStore([{ alias: 'a' }]);
    for (let i = 0; i < HISTORY_LENGTH + 10; i++) recordGpuSample(store, 'a', [gpu(i)]);
    const h = store.getState().hosts.a.gpuHistory[0];
    expect(h).toHaveLength(HISTORY_LENGTH);
    expect(h.at(-1)).toBe(HISTORY_LENGTH + 9);
    expect(h[0]).toBe(10);
  });

  it('a steady GPU gives back the same arrays, so nothing re-renders', () => {
    const store = createTrainyardStore([{ alias: 'a' }]);
    for (let i = 0; i < HISTORY_LENGTH; i++) recordGpuSample(store, 'a', [gpu(99)]);
    const before = store.getState().hosts.a;
    recordGpuSample(store, 'a', [gpu(99)]);
    const after = store.getState().hosts.a;
    expect(after.gpus).toBe(before.gpus);
    expect(after.gpuHistory).toBe(before.gpuHistory);
    recordGpuSample(store, 'a', [gpu(98)]);
    expect(store.getState().hosts.a.gpus).not.toBe(before.gpus);
    expect(store.getState().hosts.a.gpuHistory[0].at(-1)).toBe(98);
  });

  it('a figure that repeats while an older one is still in the history scrolls it on', () => {
    const store = createTrainyardStore([{ alias: 'a' }]);
    for (let i = 0; i < HISTORY_LENGTH; i++) recordGpuSample(store, 'a', [gpu(i === HISTORY_LENGTH - 2 ? 50 : 99)]);
    for (let i = 0; i < 2; i++) {
      const before = store.getState().hosts.a.gpuHistory;
      recordGpuSample(store, 'a', [gpu(99)]);
      expect(store.getState().hosts.a.gpuHistory).not.toBe(before);
    }
    expect(store.getState().hosts.a.gpuHistory[0]).toEqual([...Array(HISTORY_LENGTH - 4).fill(99), 50, 99, 99, 99]);
  });
});
