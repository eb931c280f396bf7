import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, test } from 'vitest';
import type { Question } from '../../src/actions/types.js';
import { helpLines } from '../../src/cockpit/help.js';
import { helpRows } from '../../src/cockpit/layout.js';
import { addRun, appendLines, patchRun } from '../../src/state/actionsStore.js';
import { actionRun, expectFits, fleet, startingRunner } from './cockpitServicesLab.js';
import { KEYS, lines, lineWith, renderAt, stripAnsi, tick } from './render.js';

afterEach(() => cleanup());

describe('action keys', () => {
  test('s starts sync on the selected host; x needs a session; 3 + x stops the selected one', async () => {
    const runner = startingRunner();
    const store = fleet();
    const t = await renderAt(120, 40, store, { services: { actions: runner } });
    await t.press('s');
    expect(runner.start).toHaveBeenCalledWith('sync', { host: 'alpha', session: null });
    await t.press('x');
    expect(runner.start).toHaveBeenCalledTimes(1);
    expect(stripAnsi(t.frame())).toContain('select a session');
    await t.press('3', 'x');
    const first = store.getState().hosts.alpha.sessions[0].name;
    expect(runner.start).toHaveBeenLastCalledWith('stop', { host: 'alpha', session: first });
    // ] moves to bravo (its first session selected), and L launches there.
    await t.press(']', 'L');
    expect(runner.start).toHaveBeenLastCalledWith('launch', {
      host: 'bravo',
      session: store.getState().hosts.bravo.sessions[0].name,
    });
  });

  test('j in the Sessions pane moves the selection: x stops the second session', async () => {
    const runner = startingRunner();
    const store = fleet();
    const t = await renderAt(120, 40, store, { services: { actions: runner } });
    await t.press('3', 'j', 'x');
    expect(runner.start).toHaveBeenLastCalledWith('stop', {
      host: 'alpha',
      session: store.getState().hosts.alpha.sessions[1].name,
    });
  });

  test('Esc cancels the running cancellable action shown', async () => {
    const runner = startingRunner();
    const t = await renderAt(120, 40, fleet(), { services: { actions: runner } });
    await t.press('t');
    expect(stripAnsi(t.frame())).toContain('Esc cancels');
    await t.press(KEYS.esc);
    expect(runner.cancel).toHaveBeenCalledWith(1);
  });
});

describe('questions', () => {
  const confirm = (destructive: boolean): Question => ({
    kind: 'confirm',
    title: 'Stop train01?',
    message: 'Ctrl-C, then kill the session',
    details: ['train01 on alpha'],
    destructive,
  });

  test('a confirm question is a y/N modal; destructive ones say so; y answers true', async () => {
    const runner = startingRunner();
    runner.store.setState({ question: { id: 7, runId: 1, question: confirm(true) } });
    const t = await renderAt(50, 25, fleet(), { services: { actions: runner } });
    const f = stripAnsi(t.frame());
    expect(f).toContain('Stop train01? [y/N]');
    expect(f).toContain('destructive');
    expect(f).toContain('train01 on alpha');
    expectFits(t.frame(), 50, 25, 'confirm');
    await t.press('s'); // the modal owns the keyboard
    expect(runner.start).not.toHaveBeenCalled();
    await t.press('y');
    expect(runner.answer).toHaveBeenCalledWith(7, true);
  });

  test('Esc dismisses a confirm as no', async () => {
    const runner = startingRunner();
    runner.store.setState({ question: { id: 3, runId: 1, question: confirm(false) } });
    const t = await renderAt(120, 40, fleet(), { services: { actions: runner } });
    expect(stripAnsi(t.frame())).not.toContain('destructive');
    await t.press(KEYS.esc);
    expect(runner.answer).toHaveBeenCalledWith(3, false);
  });

  test('input: the default is filled in, typing edits it, Enter accepts', async () => {
    const runner = startingRunner();
    runner.store.setState({
      question: {
        id: 4,
        runId: 1,
        question: {
          kind: 'input',
          title: 'Session name',
          message: 'name of the new session',
          defaultValue: 'demo-1a2b',
        },
      },
    });
    const t = await renderAt(50, 25, fleet(), { services: { actions: runner } });
    expect(stripAnsi(t.frame())).toContain('> demo-1a2b_');
    await t.press(KEYS.backspace, 'c', KEYS.enter);
    expect(runner.answer).toHaveBeenCalledWith(4, 'demo-1a2c');
  });

  test('choice: j/k choose, Enter accepts; Esc answers null', async () => {
    const runner = startingRunner();
    const q: Question = {
      kind: 'choice',
      title: 'Attach where?',
      message: 'inside tmux',
      choices: [
        { value: 'here', label: 'here' },
        { value: 'new-window', label: 'a new tmux window' },
      ],
      defaultValue: 'here',
    };
    runner.store.setState({ question: { id: 5, runId: 1, question: q } });
    const t = await renderAt(50, 25, fleet(), { services: { actions: runner } });
    expect(lineWith(t.frame(), '▸ here')).toBeDefined();
    await t.press('j', KEYS.enter);
    expect(runner.answer).toHaveBeenCalledWith(5, 'new-window');
    runner.store.setState({ question: { id: 6, runId: 1, question: q } });
    await tick();
    await t.press(KEYS.esc);
    expect(runner.answer).toHaveBeenCalledWith(6, null);
  });
});

describe('action pane', () => {
  function withRun() {
    const runner = startingRunner();
    addRun(runner.store, actionRun({ progress: { fraction: 0.45, label: 'sending code', rate: '12.3MB/s' } }));
    appendLines(
      runner.store,
      1,
      Array.from({ length: 60 }, (_, i) => ({ text: `line ${i}`, kind: 'out' as const })),
    );
    return runner;
  }

  test('wide: below the sessions, the title, a progress bar, the newest lines; then the verdict and hint', async () => {
    const runner = withRun();
    const t = await renderAt(200, 50, fleet(), { services: { actions: runner } });
    let f = stripAnsi(t.frame());
    expect(f).toContain('Action');
    expect(f).toContain('Sync code · running');
    expect(lineWith(f, 'sending code [')).toMatch(/sending code \[#+·+\]\s+45% 12\.3MB\/s/);
    expect(f).toContain('line 59');
    expect(f).not.toContain('line 0 ');
    expect(f).toContain('train01');
    expectFits(t.frame(), 200, 50, 'running');
    patchRun(runner.store, 1, {
      status: 'failed',
      verdict: { outcome: 'failed', summary: 'rsync failed (exit 23)', details: [], hint: 'check the disk on alpha' },
    });
    await tick();
    f = stripAnsi(t.frame());
    expect(f).toContain('Sync code · failed');
    expect(f).toContain('rsync failed (exit 23)');
    expect(f).toContain('check the disk on alpha');
    expect(f).not.toContain('sending code [');
  });

  test('narrow: a Run tab after an action key, left with 1/2/3', async () => {
    const runner = startingRunner();
    const t = await renderAt(50, 25, fleet(), { services: { actions: runner } });
    expect(lines(t.frame())[0]).not.toContain('Run');
    await t.press('s');
    patchRun(runner.store, 1, { progress: { fraction: 0.5, label: 'sending' } });
    appendLines(runner.store, 1, [{ text: 'sending incremental file list', kind: 'out' }]);
    await tick();
    let f = t.frame();
    expect(lines(f)[0]).toContain('[Run]');
    expect(stripAnsi(f)).toContain('Sync code · running');
    expect(stripAnsi(f)).toContain('50%');
    expect(stripAnsi(f)).toContain('sending incremental file list');
    expectFits(f, 50, 25, 'run tab');
    await t.press('1');
    f = t.frame();
    expect(lines(f)[0]).toMatch(/^\[Hosts\] {2}GPUs {3}Sessions {3}Run /);
    expectFits(f, 50, 25, 'hosts tab');
  });
});

test('help lists the action, log and chart keys; at 50x25 the action keys show first and j/k scrolls to the rest', async () => {
  const text = helpLines()
    .map((l) => l.text)
    .join('\n');
  for (const k of [
    's sync code',
    't smoke test',
    'L launch',
    'R restart',
    'p pull',
    'a attach',
    'x stop',
    'l log',
    'w watchdog',
    'f follow',
    '/ search',
    'm chart the next metric',
    'y linear',
  ])
    expect(text).toContain(k);
  const t = await renderAt(50, 25, fleet());
  await t.press('?');
  expect(stripAnsi(t.frame())).toContain('x stop the session');
  expect(stripAnsi(t.frame())).toContain(`j/k scroll ${helpRows(25)}/${helpLines().length}`);
  await t.press('G');
  expect(stripAnsi(t.frame())).toContain('m chart the next metric');
});
