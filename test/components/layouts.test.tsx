import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, test } from 'vitest';
import { globalScope } from '../../src/cockpit/bindings/global.js';
import { hostsScope } from '../../src/cockpit/bindings/panes.js';
import { footerHints } from '../../src/cockpit/help.js';
import { describeGpuFailure } from '../../src/parsers/nvidiaSmi.js';
import { patchHost, type TrainyardStore } from '../../src/state/store.js';
import { fillConnectedHost, makeStore } from './fixtures.js';
import { KEYS, lines, lineWith, renderAt, stripAnsi } from './render.js';

afterEach(() => cleanup());

/** The bracketed tab on the phone layout's first line. */
const activeTab = (frame: string) => /\[(\w+)\]/.exec(lines(frame)[0])?.[1];

/** gpu-a: 2 replicated H100s with the real load; cpu-box: no nvidia-smi; far-away: unreachable, waiting to retry. */
function fleet(): TrainyardStore {
  const store = makeStore(['gpu-a', 'cpu-box', 'far-away']);
  fillConnectedHost(store, 'gpu-a', { gpus: 2 });
  patchHost(store, 'cpu-box', {
    connection: { state: 'connected', attempt: 0, nextRetryAt: null, error: null, hint: null },
    gpuError: describeGpuFailure(127, 'bash: line 1: nvidia-smi: command not found'),
  });
  patchHost(store, 'far-away', {
    connection: {
      state: 'unreachable',
      attempt: 4,
      nextRetryAt: Date.now() + 30_000,
      error: 'connect ETIMEDOUT 10.201.0.13:22',
      hint: 'is the VPN up?',
    },
  });
  return store;
}

describe('wide layout (>= 60 columns)', () => {
  test('header, host rows, and the selected host in full: GPUs from the real H100 capture, processes, sessions', async () => {
    const t = await renderAt(120, 40, fleet());
    const f = t.frame();
    expect(lines(f)[0]).toMatch(/^trainyard\s+3 hosts · 2 connected\s+\? help$/);
    // Host rows: marker, alias, state, mean utilisation, running/finished/crashed.
    expect(lineWith(f, '▸ gpu-a')).toMatch(/▸ gpu-a\s+● connected\s+99% ▶1 ✓1 ✗2/);
    expect(lineWith(f, 'cpu-box')).toMatch(/cpu-box\s+● connected\s+– ▶0 ✓0 ✗0/);
    expect(lineWith(f, 'far-away')).toMatch(/far-away\s+✗ unreachable/);
    // GPU rows: real figures (util 99 %, 20085/81559 MiB, 63 °C, 695.58 W in the last -lms 500 sample).
    for (const i of [0, 1]) {
      const row = lines(f).find((l) => new RegExp(`│ ${i} H100 80GB`).test(l));
      expect(row).toBeDefined();
      expect(row).toMatch(/99% █+/);
      expect(row).toContain('19.6/79.6 GiB');
      expect(row).toContain('63°C');
      expect(row).toContain('696W');
      // 4 idle samples then 8 under load, newest on the right.
      expect(row).toContain('▁▁▁▁████████');
    }
    expect(lineWith(f, '2671')).toMatch(/0\s+2671 python3\s+19\.6 GiB/);
    expect(lineWith(f, '2672')).toMatch(/1\s+2672 python3/);
    // Sessions: ages and how each ended.
    expect(lineWith(f, 'train01')).toMatch(/\* train01\s+5m running/);
    expect(lineWith(f, 'train02')).toMatch(/train02\s+3h finished/);
    expect(lineWith(f, 'train03')).toMatch(/train03\s+2d crashed exit 1/);
    expect(lineWith(f, 'train04')).toMatch(/train04\s+<1m killed signal 15/);
    expect(lines(f).at(-1)).toBe(footerHints([hostsScope, globalScope], 200));
  });

  test('a host without GPUs and an unreachable host show a message instead of GPU rows', async () => {
    const t = await renderAt(120, 40, fleet());
    await t.press('j');
    let f = stripAnsi(t.frame());
    expect(f).toContain('no GPU (nvidia-smi not found)');
    expect(f).not.toContain('H100');
    await t.press('j');
    f = stripAnsi(t.frame());
    // the retry was set 30 s after the fixture was made; a loaded machine may take seconds to get here
    const wait = Number(/✗ unreachable · attempt 4, next try in (\d+)s/.exec(f)?.[1]);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(30);
    expect(f).toContain('connect ETIMEDOUT 10.201.0.13:22');
    expect(f).toContain('is the VPN up?');
    expect(f).toContain('tmux sessions');
  });

  test('sessions age on the server clock', async () => {
    const store = fleet();
    // The server runs 2 h ahead of us: train01 was created 5 min ago on ITS clock.
    patchHost(store, 'gpu-a', (h) => ({
      clockSkewSeconds: 7200,
      sessions: h.sessions.map((s) => ({ ...s, createdAt: s.createdAt + 7200 })),
    }));
    const t = await renderAt(120, 40, store);
    expect(lineWith(t.frame(), 'train01')).toMatch(/train01\s+5m running/);
  });
});

describe('narrow layout (< 60 columns, a phone)', () => {
  test('one pane at a time behind a tab bar; 1/2/3 and tab switch; a one-line footer that fits', async () => {
    const t = await renderAt(50, 25, fleet());
    let f = t.frame();
    expect(lines(f)[0]).toMatch(/^\[Hosts\] {2}GPUs {3}Sessions\s+2\/3 up$/);
    expect(activeTab(f)).toBe('Hosts');
    expect(lineWith(f, '▸ gpu-a')).toMatch(/▸ gpu-a\s+● connected\s+99% ▶1 ✓1 ✗2/);
    expect(f).not.toContain('H100');

    await t.press('2');
    f = t.frame();
    expect(activeTab(f)).toBe('GPUs');
    expect(lines(f)[1]).toMatch(/▸ gpu-a/);
    expect(lineWith(f, ' 0 H100 80GB')).toMatch(/99%.*19\.6\/79\.6 GiB 63°C 696W$/);
    expect(lineWith(f, '2671')).toContain('python3');
    expect(f).not.toContain('train01');

    await t.press('3');
    f = t.frame();
    expect(lineWith(f, 'train03')).toMatch(/train03\s+2d crashed exit 1/);
    expect(f).not.toContain('H100');

    await t.press(KEYS.tab);
    expect(lineWith(t.frame(), 'cpu-box')).toBeDefined();
    expect(activeTab(t.frame())).toBe('Hosts');
    await t.press(KEYS.shiftTab);
    expect(activeTab(t.frame())).toBe('Sessions');
    await t.press('1');
    expect(activeTab(t.frame())).toBe('Hosts');

    const footer = lines(t.frame()).at(-1) ?? '';
    expect(footer).toBe('j/k host  r reconnect  tab pane  ? help  q quit');
    expect(footer.length).toBeLessThanOrEqual(50);
  });

  test('long error text is cut or wrapped to the width, never wider', async () => {
    const store = fleet();
    patchHost(store, 'far-away', (h) => ({
      connection: { ...h.connection, error: 'x'.repeat(300), hint: 'y '.repeat(120) },
    }));
    const t = await renderAt(50, 25, store);
    await t.press('j', 'j', '2');
    const ls = lines(t.frame());
    expect(ls.length).toBeLessThanOrEqual(25);
    for (const l of ls) expect([...l].length).toBeLessThanOrEqual(50);
    expect(ls.join('\n')).toContain('attempt 4, next try in');
  });
});

describe('edge cases', () => {
  test('no hosts configured: says so, and still fits', async () => {
    const t = await renderAt(50, 25, makeStore([]));
    expect(stripAnsi(t.frame())).toContain('no hosts configured');
    await t.press('2', 'j', 'r', '3');
    expect(t.controller.retryNow).not.toHaveBeenCalled();
    expect(lines(t.frame()).length).toBeLessThanOrEqual(25);
  });

  test('a host still connecting shows that, with no countdown', async () => {
    const t = await renderAt(120, 40, makeStore(['new-box']));
    const f = stripAnsi(t.frame());
    expect(f).toContain('○ connecting');
    expect(f).not.toContain('next try');
  });
});
