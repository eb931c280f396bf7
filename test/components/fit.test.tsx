import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, test } from 'vitest';
import { patchHost } from '../../src/state/store.js';
import { resizeTerminal } from '../support/resizeTerminal.js';
import { waitFor } from '../support/waitFor.js';
import { bigFleet } from './fixtures.js';
import { KEYS, lines, renderAt, width } from './render.js';

afterEach(() => cleanup());

/** 8 hosts x 8 GPUs (the real H100 record replicated) x 12 sessions, plus one host in trouble with long messages. */
function worstFleet() {
  const store = bigFleet();
  patchHost(store, 'gpu-node-8', {
    connection: {
      state: 'reconnecting',
      attempt: 12,
      nextRetryAt: Date.now() + 45_000,
      error:
        'All configured authentication methods failed after the server closed the connection during key exchange '.repeat(
          2,
        ),
      hint: 'Check ~/.ssh/config for this host, that the key is loaded in the agent, and that the VPN is up.',
    },
  });
  return store;
}

function expectFits(frame: string, columns: number, rows: number, what: string) {
  const ls = lines(frame);
  expect(ls.length, `${what}: ${ls.length} lines`).toBeLessThanOrEqual(rows);
  for (const l of ls) expect(width(l), `${what}: "${l}"`).toBeLessThanOrEqual(columns);
}

const SIZES: [number, number][] = [
  [50, 25],
  [200, 50],
  [80, 24],
  [60, 20],
  [59, 25],
  [120, 30],
  [40, 12],
  [30, 8],
];

describe('the frame is never taller or wider than the terminal', () => {
  for (const [columns, rows] of SIZES) {
    test(`${columns}x${rows}: every pane, the last host, help, and the passphrase prompt`, async () => {
      const store = worstFleet();
      const t = await renderAt(columns, rows, store);
      expectFits(t.frame(), columns, rows, 'start');
      for (const k of ['2', '3', '1', 'G', '2', 'G', '3', 'G']) {
        await t.press(k);
        expectFits(t.frame(), columns, rows, `after ${k}`);
      }
      await t.press('?');
      expectFits(t.frame(), columns, rows, 'help');
      await t.press('G');
      expectFits(t.frame(), columns, rows, 'help scrolled');
      await t.press(KEYS.esc);
      store.setState({
        prompt: {
          id: 1,
          kind: 'passphrase',
          message: 'Passphrase for /home/researcher/.ssh/id_ed25519_with_a_long_name',
        },
      });
      await t.press('x'.repeat(200));
      expectFits(t.frame(), columns, rows, 'prompt');
    });
  }

  test('200x50 shows all 8 hosts, all 8 GPUs of the selected host, its processes and all 12 sessions', async () => {
    const t = await renderAt(200, 50, worstFleet());
    const ls = lines(t.frame());
    expect(ls).toHaveLength(50);
    for (let h = 1; h <= 8; h++) expect(ls.some((l) => l.includes(`gpu-node-${h} `))).toBe(true);
    for (let i = 0; i < 8; i++) {
      expect(ls.some((l) => new RegExp(`│ ${i} H100 80GB\\s+99%`).test(l))).toBe(true);
      expect(ls.some((l) => l.includes(`${2671 + i} python3`))).toBe(true);
    }
    for (let s = 0; s < 12; s++) expect(ls.some((l) => l.includes(`sweep-lr${s}-`))).toBe(true);
  });

  test('50x25 phone: the GPUs tab shows all 8 GPUs and processes, the Sessions tab all 12 sessions', async () => {
    const t = await renderAt(50, 25, worstFleet());
    await t.press('2');
    let ls = lines(t.frame());
    expect(ls).toHaveLength(25);
    for (let i = 0; i < 8; i++) expect(ls.some((l) => new RegExp(`^ ${i} H100 80GB\\s+99%`).test(l))).toBe(true);
    for (let i = 0; i < 8; i++) expect(ls.some((l) => l.includes(`${2671 + i} python3`))).toBe(true);
    await t.press('3');
    ls = lines(t.frame());
    for (let s = 0; s < 12; s++) expect(ls.some((l) => l.includes(`sweep-lr${s}-`))).toBe(true);
  });

  test('help fits 50x25 and says how to scroll to the rest', async () => {
    const t = await renderAt(50, 25, worstFleet());
    await t.press('?');
    const ls = lines(t.frame());
    expect(ls.length).toBeLessThanOrEqual(25);
    for (const l of ls) expect(width(l)).toBeLessThanOrEqual(50);
    expect(ls.join('\n')).toMatch(/j\/k scroll \d+\/\d+ · Esc or \? closes/);
  });

  test('a resize re-lays the frame out at the new size', async () => {
    const t = await renderAt(200, 50, worstFleet());
    resizeTerminal(t.stdout, 50, 25);
    // the narrow layout's tab bar says the new size was taken
    await waitFor(() => lines(t.frame())[0] ?? '', { until: (l) => l.includes('[Hosts]'), what: 'the 50x25 layout' });
    expectFits(t.frame(), 50, 25, 'after resize');
  });
});
