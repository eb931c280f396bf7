/** The UI controller alone, without Ink: keys in, state out. */
import { describe, expect, test, vi } from 'vitest';
import { CockpitUi } from '../../src/cockpit/cockpitUi.js';
import type { CockpitServices } from '../../src/cockpit/controller.js';
import { createActionsStore } from '../../src/state/actionsStore.js';
import { fillConnectedHost, makeStore, manySessions } from './fixtures.js';
import { fakeController } from './render.js';

function setup(columns = 200, rows = 50, openLog?: CockpitServices['openLog']) {
  const store = makeStore(['alpha', 'bravo']);
  fillConnectedHost(store, 'alpha', { gpus: 2, sessions: manySessions(1) });
  fillConnectedHost(store, 'bravo', { gpus: 2, sessions: manySessions(3) });
  const actions = { store: createActionsStore(), start: vi.fn(), cancel: vi.fn(), answer: vi.fn() };
  const controller = fakeController();
  const ui = new CockpitUi(store, controller, { actions, openLog });
  ui.setViewport(columns, rows);
  return { ui, store, actions, controller };
}

describe('CockpitUi', () => {
  test('a chunk of keys is taken in order: "j3jx" stops the second session of the second host', () => {
    const { ui, store, actions } = setup();
    ui.press('j3jx', {});
    expect(ui.state.focus).toBe('sessions');
    expect(actions.start).toHaveBeenCalledWith('stop', {
      host: 'bravo',
      session: store.getState().hosts.bravo.sessions[1].name,
    });
  });

  test('a host with one session needs no selecting for the session keys; with several it says how', () => {
    const { ui, store, actions } = setup();
    ui.press('x', {});
    expect(actions.start).toHaveBeenCalledWith('stop', {
      host: 'alpha',
      session: store.getState().hosts.alpha.sessions[0].name,
    });
    ui.press(']x', {});
    expect(ui.state.notice).toMatch(/select a session \(3, j\/k\) first/);
    expect(actions.start).toHaveBeenCalledTimes(1);
  });

  test('narrow: Esc from the log goes back to the tab it was opened from', () => {
    const openLog = vi.fn(async () => ({ error: 'no log' }));
    const { ui } = setup(50, 25, openLog);
    ui.press('3l', {});
    expect(ui.state.detail).toBe('log');
    expect(ui.frame().runTabShown).toBe(true);
    ui.press('', { escape: true });
    expect(ui.state.detail).toBe('none');
    expect(ui.frame().runTabShown).toBe(false);
    expect(ui.state.focus).toBe('sessions');
  });

  test('q quits once: shutdown, then exit', async () => {
    const { ui, controller } = setup();
    const exit = vi.fn();
    ui.bindExit(exit);
    ui.press('qq', {});
    await vi.waitFor(() => expect(exit).toHaveBeenCalledTimes(1));
    expect(controller.shutdown).toHaveBeenCalledTimes(1);
  });
});
