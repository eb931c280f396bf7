import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, test } from 'vitest';
import { helpLines } from '../../src/cockpit/help.js';
import { patchHost } from '../../src/state/store.js';
import { fillConnectedHost, makeStore, manySessions } from './fixtures.js';
import { KEYS, lines, lineWith, renderAt, stripAnsi } from './render.js';

afterEach(() => cleanup());

const ALIASES = ['alpha', 'bravo', 'charlie', 'delta'];
function fleet() {
  const store = makeStore(ALIASES);
  for (const a of ALIASES) fillConnectedHost(store, a, { gpus: 8, sessions: manySessions(12) });
  return store;
}
/** Alias on the row carrying the selection marker. */
const selectedHost = (frame: string) => /▸ (\w+)/.exec(stripAnsi(frame))?.[1];

describe('keyboard', () => {
  test('j/k and the arrows move the host selection; g/G jump to the ends', async () => {
    const t = await renderAt(120, 40, fleet());
    expect(selectedHost(t.frame())).toBe('alpha');
    await t.press('j');
    expect(selectedHost(t.frame())).toBe('bravo');
    await t.press(KEYS.down);
    expect(selectedHost(t.frame())).toBe('charlie');
    await t.press('k');
    expect(selectedHost(t.frame())).toBe('bravo');
    await t.press(KEYS.up, KEYS.up);
    expect(selectedHost(t.frame())).toBe('alpha');
    await t.press('G');
    expect(selectedHost(t.frame())).toBe('delta');
    await t.press('j');
    expect(selectedHost(t.frame())).toBe('delta');
    await t.press('g');
    expect(selectedHost(t.frame())).toBe('alpha');
    // The detail panes follow the selection.
    await t.press('j');
    expect(lines(t.frame()).some((l) => l.includes('GPUs · bravo'))).toBe(true);
  });

  test('tab moves focus to the GPU pane, where j/k scroll the GPU list instead of changing host', async () => {
    // 80x24: the GPU pane cannot show 8 GPUs and 8 processes at once.
    const t = await renderAt(80, 24, fleet());
    expect(lineWith(t.frame(), ' 0 H100')).toBeDefined();
    await t.press(KEYS.tab, 'j');
    expect(lineWith(t.frame(), ' 0 H100')).toBeUndefined();
    expect(lineWith(t.frame(), ' 1 H100')).toBeDefined();
    expect(selectedHost(t.frame())).toBe('alpha');
    await t.press('G');
    expect(lineWith(t.frame(), '2678')).toBeDefined(); // the last process
    await t.press('g');
    expect(lineWith(t.frame(), ' 0 H100')).toBeDefined();
    // The focused pane has the heavy border.
    expect(lines(t.frame())[1]).toMatch(/┓$/);
    expect(lines(t.frame())[1]).toMatch(/^╭/);
    // shift-tab back to Hosts: j moves the selection again.
    await t.press(KEYS.shiftTab, 'j');
    expect(selectedHost(t.frame())).toBe('bravo');
  });

  test('3 focuses Sessions, where j scrolls the sessions; ] changes host from any pane', async () => {
    const t = await renderAt(80, 24, fleet());
    expect(lineWith(t.frame(), 'sweep-lr0-')).toBeDefined();
    await t.press('3', 'j');
    expect(lineWith(t.frame(), 'sweep-lr0-')).toBeUndefined();
    expect(selectedHost(t.frame())).toBe('alpha');
    await t.press(']');
    expect(selectedHost(t.frame())).toBe('bravo');
    await t.press('[');
    expect(selectedHost(t.frame())).toBe('alpha');
  });

  test('? opens help listing every key (j scrolls through it), Esc closes it, ? toggles; other keys wait while it is open', async () => {
    const t = await renderAt(50, 25, fleet());
    await t.press('?');
    let help = stripAnsi(t.frame());
    for (let i = 0; i < helpLines().length; i++) {
      await t.press('j');
      help += stripAnsi(t.frame());
    }
    for (const l of helpLines()) expect(help).toContain(l.text.trim());
    await t.press('r');
    expect(t.controller.retryNow).not.toHaveBeenCalled();
    await t.press(KEYS.esc);
    expect(stripAnsi(t.frame())).not.toContain('trainyard keys');
    expect(lines(t.frame())[0]).toContain('[Hosts]');
    await t.press('?');
    expect(stripAnsi(t.frame())).toContain('trainyard keys');
    await t.press('?');
    expect(stripAnsi(t.frame())).not.toContain('trainyard keys');
  });

  test('r reconnects the selected host now', async () => {
    const store = fleet();
    patchHost(store, 'bravo', {
      connection: {
        state: 'reconnecting',
        attempt: 2,
        nextRetryAt: Date.now() + 8000,
        error: 'Connection lost',
        hint: null,
      },
    });
    const t = await renderAt(120, 40, store);
    await t.press('j', 'r');
    expect(t.controller.retryNow).toHaveBeenCalledTimes(1);
    expect(t.controller.retryNow).toHaveBeenCalledWith('bravo');
  });

  test('keys arriving in one chunk are taken one by one: "jr" retries the host j moved to', async () => {
    const t = await renderAt(50, 25, fleet());
    await t.press('jr');
    expect(t.controller.retryNow).toHaveBeenCalledWith('bravo');
    expect(selectedHost(t.frame())).toBe('bravo');
  });

  test('q quits through controller.shutdown()', async () => {
    const t = await renderAt(50, 25, fleet());
    await t.press('q');
    expect(t.controller.shutdown).toHaveBeenCalledTimes(1);
    await t.press('q');
    expect(t.controller.shutdown).toHaveBeenCalledTimes(1);
  });

  test('Ctrl-C quits through controller.shutdown() (exitOnCtrlC is off)', async () => {
    const t = await renderAt(50, 25, fleet());
    await t.press(KEYS.ctrlC);
    expect(t.controller.shutdown).toHaveBeenCalledTimes(1);
  });
});
