import chalk from 'chalk';
import { cleanup } from 'ink-testing-library';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { colorsDisabled } from '../../components/theme.js';
import { patchHost } from '../../src/state/store.js';
import { bigFleet } from './fixtures.js';
import { renderAt } from './render.js';

// Vitest's output is not a terminal, so chalk (which Ink styles with) starts at level 0 and would hide
// colour codes whatever the cockpit asked for. Give it a colour level so the first test can see them.
// (chalk is Ink's own dependency; this is the same instance Ink uses.)
let level: typeof chalk.level;
beforeAll(() => {
  level = chalk.level;
  chalk.level = 1;
});
afterAll(() => {
  chalk.level = level;
});
afterEach(() => {
  cleanup();
  delete process.env.NO_COLOR;
});

/** Foreground/background colour SGR codes (30-37, 39, 40-47, 49, 90-97, 100-107, and 38;/48; extended). */
const COLOUR = /\u001B\[(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m/;

function troubledFleet() {
  const store = bigFleet();
  patchHost(store, 'gpu-node-2', {
    connection: {
      state: 'unreachable',
      attempt: 3,
      nextRetryAt: Date.now() + 9000,
      error: 'connect ETIMEDOUT',
      hint: 'VPN?',
    },
  });
  return store;
}

async function everyScreen() {
  const t = await renderAt(120, 40, troubledFleet(), { noColor: 'env' });
  await t.press('j', '2', '3', '?');
  await t.press('?');
  return t.frames.join('');
}

describe('colour', () => {
  test('with colour allowed, the cockpit does use colour (so the NO_COLOR test below can fail)', async () => {
    expect(await everyScreen()).toMatch(COLOUR);
  });

  test('NO_COLOR set: not one colour code in any frame, but reverse video still marks the selection', async () => {
    process.env.NO_COLOR = '1';
    const out = await everyScreen();
    expect(out).not.toMatch(COLOUR);
    expect(out).toContain('\u001B[7m');
  });

  test('NO_COLOR is "set" only when non-empty', () => {
    expect(colorsDisabled({ NO_COLOR: '1' })).toBe(true);
    expect(colorsDisabled({ NO_COLOR: '' })).toBe(false);
    expect(colorsDisabled({})).toBe(false);
  });
});
