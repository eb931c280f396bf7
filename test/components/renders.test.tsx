import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { setRenderProbe } from '../../components/renderProbe.js';
import { patchHost, recordGpuSample } from '../../src/state/store.js';
import { fillConnectedHost, makeStore, realGpu, replicateGpu } from './fixtures.js';
import { lineWith, renderAt, stripAnsi, tick } from './render.js';

/** Moves fake time on, then lets React commit what the timers set (its scheduler runs on a real macrotask). */
async function advance(ms: number) {
  await vi.advanceTimersByTimeAsync(ms);
  await tick(20);
}

afterEach(() => {
  cleanup();
  setRenderProbe(undefined);
  vi.useRealTimers();
});

function countRenders() {
  const counts = new Map<string, number>();
  setRenderProbe((component, key) => counts.set(`${component}:${key}`, (counts.get(`${component}:${key}`) ?? 0) + 1));
  return { get: (k: string) => counts.get(k) ?? 0, reset: () => counts.clear() };
}

describe('renders stay narrow', () => {
  test("an update to host B's GPUs re-renders B's row, not A's row or A's GPU pane", async () => {
    const store = makeStore(['host-a', 'host-b']);
    fillConnectedHost(store, 'host-a', { gpus: 8 });
    fillConnectedHost(store, 'host-b', { gpus: 8 });
    const renders = countRenders();
    const t = await renderAt(200, 50, store);
    expect(renders.get('HostRow:host-a')).toBeGreaterThan(0);
    renders.reset();

    // B goes idle: the real idle sample on all 8 GPUs.
    recordGpuSample(
      store,
      'host-b',
      Array.from({ length: 8 }, (_, i) => replicateGpu(realGpu('idle'), i)),
    );
    await new Promise((r) => setTimeout(r, 30));
    expect(lineWith(t.frame(), 'host-b')).toMatch(/host-b\s+● connected\s+0%/);
    expect(renders.get('HostRow:host-b')).toBe(1);
    expect(renders.get('HostRow:host-a')).toBe(0);
    expect(renders.get('GpuPane:host-a')).toBe(0);
    expect(renders.get('GpuRow:0')).toBe(0);

    // And A's update re-renders A's pane and GPU rows, not B's row.
    renders.reset();
    recordGpuSample(
      store,
      'host-a',
      Array.from({ length: 8 }, (_, i) => replicateGpu(realGpu('idle'), i)),
    );
    await new Promise((r) => setTimeout(r, 30));
    expect(renders.get('GpuPane:host-a')).toBe(1);
    expect(renders.get('GpuRow:0')).toBe(1);
    expect(renders.get('HostRow:host-b')).toBe(0);
  });
});

describe('no clocks that tick for nothing', () => {
  test('an idle cockpit writes no frames; session ages move once a minute', async () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      now: new Date('2026-11-23T10:00:05Z'),
    });
    const store = makeStore(['host-a']);
    fillConnectedHost(store, 'host-a', { sessions: [{ name: 'train01', ageSeconds: 5 * 60 + 10 }] });
    const t = await renderAt(120, 40, store);
    await advance(100);
    const before = t.frames.length;
    expect(lineWith(t.frame(), 'train01')).toMatch(/train01\s+5m/);
    await advance(50_000); // still 10:00:55
    expect(t.frames.length).toBe(before);
    await advance(10_000); // past 10:01:00
    expect(t.frames.length).toBe(before + 1);
    expect(lineWith(t.frame(), 'train01')).toMatch(/train01\s+6m/);
  });

  test('"next try in Ns" ticks once a second while the host waits, and stops when the try is due', async () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      now: new Date('2026-11-23T10:00:00.300Z'),
    });
    const store = makeStore(['host-a']);
    fillConnectedHost(store, 'host-a');
    patchHost(store, 'host-a', {
      connection: {
        state: 'reconnecting',
        attempt: 2,
        nextRetryAt: Date.now() + 3000,
        error: 'Connection lost',
        hint: null,
      },
    });
    const t = await renderAt(120, 40, store);
    await advance(10);
    expect(stripAnsi(t.frame())).toContain('attempt 2, next try in 3s');
    const before = t.frames.length;
    await advance(1000);
    expect(stripAnsi(t.frame())).toContain('attempt 2, next try in 2s');
    await advance(1000);
    expect(stripAnsi(t.frame())).toContain('attempt 2, next try in 1s');
    await advance(1000);
    expect(stripAnsi(t.frame())).toContain('attempt 2, retrying now');
    expect(t.frames.length).toBe(before + 3);
    await advance(10_000);
    expect(t.frames.length).toBe(before + 3);
  });
});
