/**
 * Keys that arrive together (a phone link delivers "jj\r" as one read) reach every handler one by
 * one, in order: each modal, the help overlay, the log search, and the panes after a modal closes.
 */

import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, test } from 'vitest';
import type { Question } from '../../src/actions/types.js';
import { helpLines } from '../../src/cockpit/help.js';
import { helpRows } from '../../src/cockpit/layout.js';
import { fakeRunner, fillConnectedHost, makeStore, manySessions } from './fixtures.js';
import { lines, renderAt, stripAnsi, tick } from './render.js';

afterEach(() => cleanup());

function fleet() {
  const store = makeStore(['alpha', 'bravo', 'charlie']);
  for (const a of ['alpha', 'bravo', 'charlie']) fillConnectedHost(store, a, { gpus: 2, sessions: manySessions(3) });
  return store;
}

const selectedHost = (frame: string) => /▸ (\w+)/.exec(stripAnsi(frame))?.[1];

const gpuPicker: Question = {
  kind: 'choice',
  title: 'GPUs',
  message: 'GPUs for demo-1a2b',
  choices: [
    { value: 'all', label: 'all GPUs' },
    { value: 'least-used', label: 'the least-used GPU' },
    { value: '0', label: 'GPU 0' },
    { value: '1', label: 'GPU 1' },
  ],
  defaultValue: 'all',
};

describe.each([
  [200, 50],
  [50, 25],
])('keys in one chunk at %ix%i', (columns, rows) => {
  test('choice: "jj\\r" moves twice and accepts the third choice', async () => {
    const runner = fakeRunner();
    runner.store.setState({ question: { id: 1, runId: 1, question: gpuPicker } });
    const t = await renderAt(columns, rows, fleet(), { services: { actions: runner } });
    await t.press('jj\r');
    expect(runner.answer).toHaveBeenCalledTimes(1);
    expect(runner.answer).toHaveBeenCalledWith(1, '0');
  });

  test('confirm: "jy" scrolls the list and then answers yes; the key after the answer reaches the panes', async () => {
    const runner = fakeRunner();
    const q: Question = {
      kind: 'confirm',
      title: 'Delete?',
      message: 'these files go',
      details: Array.from({ length: 80 }, (_, i) => `file${i}`),
      destructive: true,
    };
    runner.store.setState({ question: { id: 2, runId: 1, question: q } });
    const t = await renderAt(columns, rows, fleet(), { services: { actions: runner } });
    await t.press('jjjj');
    expect(lines(t.frame()).some((l) => /\bfile4\b/.test(l))).toBe(true);
    expect(lines(t.frame()).some((l) => /\bfile0\b/.test(l))).toBe(false);
    expect(runner.answer).not.toHaveBeenCalled();
    await t.press('yj');
    expect(runner.answer).toHaveBeenCalledWith(2, true);
    expect(selectedHost(t.frame())).toBe('bravo');
  });

  test('input: "ab\\r" types both characters, then accepts', async () => {
    const runner = fakeRunner();
    runner.store.setState({
      question: {
        id: 3,
        runId: 1,
        question: { kind: 'input', title: 'Session name', message: 'name', defaultValue: 'run-' },
      },
    });
    const t = await renderAt(columns, rows, fleet(), { services: { actions: runner } });
    await t.press('ab\r');
    expect(runner.answer).toHaveBeenCalledWith(3, 'run-ab');
  });

  test('passphrase: a typed word and Enter in one chunk unlock with the whole word', async () => {
    const store = fleet();
    const t = await renderAt(columns, rows, store);
    store.setState({ prompt: { id: 9, kind: 'passphrase', message: 'Passphrase for key' } });
    await tick();
    await t.press('Zq7v\r');
    expect(t.controller.answerPrompt).toHaveBeenCalledWith(9, 'Zq7v');
  });

  test('help: "jjj" scrolls three lines; "?j" closes help, then moves the selection', async () => {
    const t = await renderAt(columns, rows, fleet());
    await t.press('?');
    await t.press('jjj');
    const visible = Math.min(helpRows(rows), helpLines().length);
    if (visible < helpLines().length)
      expect(stripAnsi(t.frame())).toContain(`j/k scroll ${visible + 3}/${helpLines().length}`);
    await t.press('?j');
    expect(stripAnsi(t.frame())).not.toContain('trainyard keys');
    expect(selectedHost(t.frame())).toBe('bravo');
  });

  test('panes: "3jx" focuses Sessions, moves to the second session and stops that one', async () => {
    const runner = fakeRunner();
    const store = fleet();
    const t = await renderAt(columns, rows, store, { services: { actions: runner } });
    await t.press('3jx');
    expect(runner.start).toHaveBeenCalledWith('stop', {
      host: 'alpha',
      session: store.getState().hosts.alpha.sessions[1].name,
    });
  });
});
