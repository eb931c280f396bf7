/** The cockpit at a glance: freshness, the watchdog session, labelled columns, more markers, the Action pane, long questions. */

import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { addRun, appendLines } from '../../src/state/actionsStore.js';
import { patchHost, recordGpuSample } from '../../src/state/store.js';
import { fakeRunner, fillConnectedHost, makeStore, manySessions, realGpu, sessionsFrom } from './fixtures.js';
import { KEYS, lines, lineWith, renderAt, stripAnsi, tick, width } from './render.js';

afterEach(() => cleanup());

function expectFits(frame: string, columns: number, rows: number) {
  const ls = lines(frame);
  expect(ls.length).toBeLessThanOrEqual(rows);
  for (const l of ls) expect(width(l)).toBeLessThanOrEqual(columns);
}

describe('freshness', () => {
  test('a host whose samples stop is marked silent with the age, its figures dimmed; a new sample clears it', async () => {
    const store = makeStore(['alpha', 'bravo']);
    for (const a of ['alpha', 'bravo']) fillConnectedHost(store, a, { gpus: 2 });
    const t = await renderAt(200, 50, store, { services: { gpuIntervalMs: 300 } });
    const keepBravoFresh = setInterval(() => recordGpuSample(store, 'bravo', store.getState().hosts.bravo.gpus), 100);
    try {
      recordGpuSample(store, 'alpha', store.getState().hosts.alpha.gpus);
      await tick(30);
      expect(lineWith(t.frame(), '▸ alpha')).toMatch(/● connected/);
      await tick(1500); // more than 3 intervals without a sample
      expect(lineWith(t.frame(), '▸ alpha')).toMatch(/◌ silent \ds/);
      expect(lineWith(t.frame(), 'bravo')).toMatch(/● connected/);
      expect(lineWith(t.frame(), 'GPUs · alpha')).toMatch(/no sample for \ds/);
      recordGpuSample(store, 'alpha', [realGpu('load')]);
      await tick(60);
      expect(lineWith(t.frame(), '▸ alpha')).toMatch(/● connected/);
      expect(lineWith(t.frame(), 'GPUs · alpha')).not.toMatch(/no sample/);
    } finally {
      clearInterval(keepBravoFresh);
    }
  });

  test('while samples come, a fresh host draws no age at all (no clock repainting)', async () => {
    const store = makeStore(['alpha']);
    fillConnectedHost(store, 'alpha', { gpus: 1 });
    const t = await renderAt(80, 24, store, { services: { gpuIntervalMs: 1000 } });
    const before = t.frames.length;
    await tick(300);
    expect(t.frames.length).toBe(before);
    expect(stripAnsi(t.frame())).not.toMatch(/silent|no sample/);
  });
  test('samples arriving do not re-arm the stale clock each time: one timer per stale period, not per sample', async () => {
    const store = makeStore(['alpha']);
    fillConnectedHost(store, 'alpha', { gpus: 1 });
    // an interval no other timer in the view uses: the stale clock's delays are 3 of them plus a few ms
    const intervalMs = 1237;
    await renderAt(80, 24, store, { services: { gpuIntervalMs: intervalMs } });
    const setTimer = vi.spyOn(globalThis, 'setTimeout');
    try {
      for (let i = 0; i < 10; i++) {
        recordGpuSample(store, 'alpha', store.getState().hosts.alpha.gpus);
        await tick(20);
      }
      const staleClockArms = setTimer.mock.calls.filter(
        ([, ms]) => typeof ms === 'number' && ms > 3 * intervalMs - 300,
      );
      expect(staleClockArms.length).toBeLessThanOrEqual(1);
    } finally {
      setTimer.mockRestore();
    }
  });
});

describe('the watchdog session is not a run', () => {
  test('not listed in Sessions, not counted in ▶, and x cannot reach it', async () => {
    const store = makeStore(['alpha']);
    fillConnectedHost(store, 'alpha', { sessions: [] });
    patchHost(store, 'alpha', {
      sessions: sessionsFrom([
        { name: 'trainyard-watchdog', ageSeconds: 3600 },
        { name: 'train01', ageSeconds: 60 },
      ]),
    });
    const runner = fakeRunner();
    const t = await renderAt(200, 50, store, { services: { actions: runner } });
    expect(stripAnsi(t.frame())).not.toContain('trainyard-watchdog');
    expect(lineWith(t.frame(), '▸ alpha')).toMatch(/▶1 /);
    await t.press('3', 'G', 'x');
    expect(runner.start).toHaveBeenCalledWith('stop', { host: 'alpha', session: 'train01' });
  });
});

describe('space', () => {
  test('the wide host list labels its columns; Sessions says how many more there are', async () => {
    const store = makeStore(['alpha']);
    fillConnectedHost(store, 'alpha', { gpus: 8, sessions: manySessions(12) });
    const t = await renderAt(80, 24, store);
    expect(lineWith(t.frame(), 'HOST')).toMatch(/HOST.*GPU.*SESSIONS/);
    const header = lineWith(t.frame(), 'SESSION ');
    expect(header).toMatch(/SESSION ↓\d more/);
    await t.press('3', 'G');
    expect(lineWith(t.frame(), 'SESSION ')).toMatch(/SESSION ↑\d more/);
  });
});

describe('the Action pane', () => {
  function failedSmoke() {
    const runner = fakeRunner();
    addRun(runner.store, {
      runId: 1,
      action: 'smoke',
      title: 'Smoke test',
      host: 'alpha',
      project: 'demo',
      session: null,
      dryRun: false,
      status: 'failed',
      cancellable: false,
      progress: null,
      lines: [],
      droppedLines: 0,
      verdict: {
        outcome: 'failed',
        summary: 'smoke test FAILED: CUDA out of memory',
        details: [],
        hint: 'use a smaller batch',
      },
      startedAt: 0,
      endedAt: 1,
    });
    const tb = [
      'Traceback (most recent call last):',
      ...Array.from(
        { length: 30 },
        (_, i) => `  File "/work/demo/train.py", line ${i + 10}, in step_${i}: ${'x'.repeat(60)}`,
      ),
      'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 GiB (GPU 0; 79.11 GiB total capacity)',
    ];
    appendLines(
      runner.store,
      1,
      tb.map((text) => ({ text, kind: 'err' as const })),
    );
    return runner;
  }

  test('80x24: long lines wrap, tab focuses the pane, k scrolls back to the start of the traceback, G returns', async () => {
    const store = makeStore(['alpha']);
    fillConnectedHost(store, 'alpha', { gpus: 1, sessions: manySessions(2) });
    const t = await renderAt(80, 24, store, { services: { actions: failedSmoke() } });
    expect(stripAnsi(t.frame())).toMatch(/│capacity\)/); // the end of the long last line, wrapped onto its own row
    expect(stripAnsi(t.frame())).not.toContain('Traceback (most recent call last)');
    await t.press(KEYS.tab, KEYS.tab, KEYS.tab);
    expect(lineWith(t.frame(), 'Action')).toMatch(/┃Action/); // focused: heavy border
    for (let i = 0; i < 8; i++) await t.press('bbbbbb');
    expect(stripAnsi(t.frame())).toContain('Traceback (most recent call last)');
    expect(stripAnsi(t.frame())).toMatch(/↓ \d+ more rows \(G: newest\)/);
    expectFits(t.frame(), 80, 24);
    await t.press('G');
    expect(stripAnsi(t.frame())).not.toContain('Traceback (most recent call last)');
  });

  test('50x25: the Run tab scrolls with j/k', async () => {
    const store = makeStore(['alpha']);
    fillConnectedHost(store, 'alpha', { gpus: 1 });
    const runner = failedSmoke();
    const t = await renderAt(50, 25, store, { services: { actions: runner } });
    await t.press(KEYS.tab, KEYS.shiftTab); // to the Run tab? no: tab cycles panes; the Run tab comes with an action
    runner.start.mockImplementation(() => undefined);
    await t.press('t');
    expect(lines(t.frame())[0]).toContain('[Run]');
    for (let i = 0; i < 10; i++) await t.press('kkkkkkkkkk');
    expect(stripAnsi(t.frame())).toContain('Traceback (most recent call last)');
    expectFits(t.frame(), 50, 25);
  });
});

describe('questions', () => {
  test('a long message wraps instead of being cut, at every size', async () => {
    const message =
      'This config (hash 1d9131609f3ea07a: same command, environment, git commit and diff) already ran: demo-ede0 on gpu-1: RUNNING now, started 2026-11-29 20:01. Launch it again?';
    for (const [columns, rows] of [
      [200, 50],
      [80, 24],
      [50, 25],
    ] as const) {
      const runner = fakeRunner();
      runner.store.setState({
        question: {
          id: 1,
          runId: 1,
          question: { kind: 'confirm', title: 'Launch again?', message, details: [], destructive: false },
        },
      });
      const store = makeStore(['alpha']);
      fillConnectedHost(store, 'alpha');
      const t = await renderAt(columns, rows, store, { services: { actions: runner } });
      const text = lines(t.frame())
        .map((l) => l.replace(/^[\s│]+|[\s│]+$/g, ''))
        .join(' ');
      expect(text.replace(/\s+/g, ' ')).toContain(message);
      expectFits(t.frame(), columns, rows);
      cleanup();
    }
  });
});
