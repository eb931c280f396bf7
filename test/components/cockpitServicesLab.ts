/** What the cockpit tests with faked actions, logs and watchdog share: a small fleet, a recording actions controller. */
import { expect, vi } from 'vitest';
import type { ActionTarget } from '../../src/actions/runner.js';
import type { ActionId } from '../../src/actions/types.js';
import type { ActionsController } from '../../src/cockpit/controller.js';
import { type ActionRunState, addRun, createActionsStore, startedRun } from '../../src/state/actionsStore.js';
import { fillConnectedHost, makeStore, manySessions } from './fixtures.js';
import { lines, width } from './render.js';

/** Two connected hosts: alpha with 2 GPUs, bravo with 1 GPU and 12 sessions. */
export function fleet() {
  const store = makeStore(['alpha', 'bravo']);
  fillConnectedHost(store, 'alpha', { gpus: 2 });
  fillConnectedHost(store, 'bravo', { gpus: 1, sessions: manySessions(12) });
  return store;
}

/**
 * An actions controller that records what the views ask of it and adds a running action for each
 * start (fixtures.ts's fakeRunner records only).
 */
export function startingRunner() {
  const store = createActionsStore();
  let next = 0;
  const runner = {
    store,
    start: vi.fn((action: ActionId, target: ActionTarget) => {
      const runId = ++next;
      addRun(store, actionRun({ runId, action, host: target.host, session: target.session ?? null }));
      return { runId };
    }),
    cancel: vi.fn<(runId: number) => void>(),
    answer: vi.fn<(questionId: number, value: boolean | string | null) => void>(),
  } satisfies ActionsController;
  return runner;
}

/** One action's state as the actions store holds it: a running sync on alpha unless `over` says otherwise. */
export function actionRun(over: Partial<ActionRunState> = {}): ActionRunState {
  const started = startedRun({
    runId: 1,
    action: 'sync',
    title: 'Sync code',
    host: 'alpha',
    project: 'demo',
    session: null,
    dryRun: false,
    cancellable: true,
  });
  return { ...started, ...over };
}

/** Every line of the frame within the screen, and no more lines than it has rows. */
export function expectFits(frame: string, columns: number, rows: number, what: string) {
  const ls = lines(frame);
  expect(ls.length, what).toBeLessThanOrEqual(rows);
  for (const l of ls) expect(width(l), `${what}: "${l}"`).toBeLessThanOrEqual(columns);
}
