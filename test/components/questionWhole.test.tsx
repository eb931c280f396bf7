/** A question with a line cut short (…): Enter (a confirm) or tab shows it whole, wrapped; Enter goes back. */

import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, test } from 'vitest';
import type { Question } from '../../src/actions/types.js';
import { fakeRunner, fillConnectedHost, makeStore, manySessions } from './fixtures.js';
import { lines, renderAt } from './render.js';

afterEach(() => cleanup());

function fleet() {
  const store = makeStore(['alpha']);
  fillConnectedHost(store, 'alpha', { gpus: 2, sessions: manySessions(2) });
  return store;
}

const reason =
  'outputs/run-0042/checkpoint-12000/model.safetensors (written 3 minutes ago by a run that is alive: the tail is TAIL-END)';

const cutConfirm: Question = {
  kind: 'confirm',
  title: 'Delete on the server?',
  message: '--delete would remove 2 path(s). Delete them?',
  details: ['old.py', reason],
  destructive: true,
};

const screenText = (frame: string) =>
  lines(frame)
    .join('\n')
    .replace(/[│╭╮╰╯─]/g, ' ')
    .replace(/\s+/g, ' ');

describe.each([
  [200, 50],
  [50, 25],
])('at %ix%i', (columns, rows) => {
  test('Enter on a confirm with a cut line shows it whole, Enter again goes back, then n answers no', async () => {
    const runner = fakeRunner();
    runner.store.setState({ question: { id: 1, runId: 1, question: cutConfirm } });
    const t = await renderAt(columns, rows, fleet(), { services: { actions: runner } });
    expect(t.frame()).toContain('Enter whole text');
    expect(t.frame()).not.toContain('TAIL-END');
    await t.press('\r');
    expect(runner.answer).not.toHaveBeenCalled();
    const whole = screenText(t.frame());
    expect(whole).toContain('(whole text)');
    // every character of the line is there, wrapped across rows
    expect(whole.replace(/ /g, '')).toContain(reason.replace(/ /g, ''));
    await t.press('\r');
    expect(t.frame()).not.toContain('(whole text)');
    await t.press('n');
    expect(runner.answer).toHaveBeenCalledWith(1, false);
  });

  test('keys in one chunk: "\\ry" opens the whole text and answers yes from it', async () => {
    const runner = fakeRunner();
    runner.store.setState({ question: { id: 2, runId: 1, question: cutConfirm } });
    const t = await renderAt(columns, rows, fleet(), { services: { actions: runner } });
    await t.press('\ry');
    expect(runner.answer).toHaveBeenCalledTimes(1);
    expect(runner.answer).toHaveBeenCalledWith(2, true);
  });

  test('a confirm with nothing cut: Enter is no, as before', async () => {
    const runner = fakeRunner();
    runner.store.setState({
      question: { id: 3, runId: 1, question: { ...cutConfirm, details: ['old.py', 'stale/'] } },
    });
    const t = await renderAt(columns, rows, fleet(), { services: { actions: runner } });
    expect(t.frame()).not.toContain('whole text');
    await t.press('\r');
    expect(runner.answer).toHaveBeenCalledWith(3, false);
  });

  test('a choice with a cut label: tab shows the labels whole, tab goes back, Enter accepts the choice', async () => {
    const runner = fakeRunner();
    const long = `GPU 3 · 0% · 1/80 GiB · ${'x'.repeat(80)} END-OF-LABEL`;
    runner.store.setState({
      question: {
        id: 4,
        runId: 1,
        question: {
          kind: 'choice',
          title: 'GPUs',
          message: 'GPUs for demo',
          choices: [
            { value: 'all', label: 'all GPUs' },
            { value: '3', label: long },
          ],
          defaultValue: 'all',
        },
      },
    });
    const t = await renderAt(columns, rows, fleet(), { services: { actions: runner } });
    expect(t.frame()).toContain('tab whole text');
    await t.press('\t');
    expect(screenText(t.frame())).toContain('END-OF-LABEL');
    await t.press('\tj\r');
    expect(runner.answer).toHaveBeenCalledWith(4, '3');
  });
});
