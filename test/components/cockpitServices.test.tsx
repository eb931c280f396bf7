/** The cockpit's actions, questions, action pane, session log and watchdog alerts, with fakes for the core. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanup } from 'ink-testing-library';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import type { ActionTarget } from '../../src/actions/runner.js';
import type { ActionId, Question } from '../../src/actions/types.js';
import type { ActionsController, CockpitServices } from '../../src/cockpit/controller.js';
import { helpLines } from '../../src/cockpit/help.js';
import { helpRows } from '../../src/cockpit/layout.js';
import { NO_LOG_MESSAGE, openSessionLog } from '../../src/logs/sessionLog.js';
import { RECORD_END } from '../../src/logs/tailCommand.js';
import {
  type ActionRunState,
  addRun,
  appendLines,
  createActionsStore,
  patchRun,
} from '../../src/state/actionsStore.js';
import type { WatchdogEvent } from '../../src/watchdog/events.js';
import { WatchdogPoller } from '../../src/watchdog/poller.js';
import { ScriptedTransport } from '../support/scriptedTransport.js';
import { watchdogStatus } from '../support/watchdogStatus.js';
import { fillConnectedHost, makeStore, manySessions } from './fixtures.js';
import { KEYS, lines, lineWith, renderAt, stripAnsi, tick, width } from './render.js';

afterEach(() => cleanup());

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function fleet() {
  const store = makeStore(['alpha', 'bravo']);
  fillConnectedHost(store, 'alpha', { gpus: 2 });
  fillConnectedHost(store, 'bravo', { gpus: 1, sessions: manySessions(12) });
  return store;
}

function fakeRunner() {
  const store = createActionsStore();
  let next = 0;
  const runner = {
    store,
    start: vi.fn((action: ActionId, target: ActionTarget) => {
      const runId = ++next;
      addRun(store, run({ runId, action, host: target.host, session: target.session ?? null }));
      return { runId };
    }),
    cancel: vi.fn<(runId: number) => void>(),
    answer: vi.fn<(questionId: number, value: boolean | string | null) => void>(),
  } satisfies ActionsController;
  return runner;
}

function run(over: Partial<ActionRunState> = {}): ActionRunState {
  return {
    runId: 1,
    action: 'sync',
    title: 'Sync code',
    host: 'alpha',
    project: 'demo',
    session: null,
    dryRun: false,
    status: 'running',
    cancellable: true,
    progress: null,
    lines: [],
    droppedLines: 0,
    verdict: null,
    startedAt: Date.now(),
    endedAt: null,
    ...over,
  };
}

function expectFits(frame: string, columns: number, rows: number, what: string) {
  const ls = lines(frame);
  expect(ls.length, what).toBeLessThanOrEqual(rows);
  for (const l of ls) expect(width(l), `${what}: "${l}"`).toBeLessThanOrEqual(columns);
}

describe('action keys', () => {
  test('s starts sync on the selected host; x needs a session; 3 + x stops the selected one', async () => {
    const runner = fakeRunner();
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
    const runner = fakeRunner();
    const store = fleet();
    const t = await renderAt(120, 40, store, { services: { actions: runner } });
    await t.press('3', 'j', 'x');
    expect(runner.start).toHaveBeenLastCalledWith('stop', {
      host: 'alpha',
      session: store.getState().hosts.alpha.sessions[1].name,
    });
  });

  test('Esc cancels the running cancellable action shown', async () => {
    const runner = fakeRunner();
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
    const runner = fakeRunner();
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
    const runner = fakeRunner();
    runner.store.setState({ question: { id: 3, runId: 1, question: confirm(false) } });
    const t = await renderAt(120, 40, fleet(), { services: { actions: runner } });
    expect(stripAnsi(t.frame())).not.toContain('destructive');
    await t.press(KEYS.esc);
    expect(runner.answer).toHaveBeenCalledWith(3, false);
  });

  test('input: the default is filled in, typing edits it, Enter accepts', async () => {
    const runner = fakeRunner();
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
    const runner = fakeRunner();
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
    const runner = fakeRunner();
    addRun(runner.store, run({ progress: { fraction: 0.45, label: 'sending code', rate: '12.3MB/s' } }));
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
    const runner = fakeRunner();
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

/**
 * The scripted transport as a session's log sees it: one exec that prints the run manifest, then
 * (when there is a manifest) the tail stream, which the test feeds with the tail's records.
 */
function logTransport(manifest: string) {
  const transport = new ScriptedTransport().expect(/\.trainyard\/runs\//, { stdout: manifest });
  const tail = manifest ? transport.expectStream('trainyard-tail', { live: true }) : null;
  const feed = (texts: string[]) => {
    tail!.line(`F 9 0 0 start${RECORD_END}`);
    let offset = 0;
    for (const text of texts) {
      offset += text.length + 1;
      tail!.line(`L ${offset} ${text}${RECORD_END}`);
    }
  };
  return { transport, tail, feed };
}

function logServices(transport: ScriptedTransport): CockpitServices {
  return { openLog: (_alias, session) => openSessionLog(transport, session, { tail: { flushMs: 10 } }) };
}

describe('session log', () => {
  const manifest = JSON.stringify({ session: 'train01', log: '/home/r/.trainyard/runs/train01.log' }) + '\n';

  for (const [columns, rows] of [
    [200, 50],
    [50, 25],
  ] as const) {
    test(`${columns}x${rows}: 3 then l opens the selected session's log; j belongs to it; Esc closes and stops the tail`, async () => {
      const { transport, tail, feed } = logTransport(manifest);
      const t = await renderAt(columns, rows, fleet(), { services: logServices(transport) });
      await t.press('3', 'l');
      await tick(30);
      feed(Array.from({ length: 40 }, (_, i) => `step ${i} loss ${(2 / (i + 1)).toFixed(3)}`));
      await tick(60);
      let f = stripAnsi(t.frame());
      expect(f).toContain('step 39 loss 0.050');
      expect(f).toContain('following');
      expectFits(t.frame(), columns, rows, 'log');
      if (columns >= 100) expect(f).toMatch(/loss 0\.05/); // the chart's title beside the log
      await t.press('k');
      f = stripAnsi(t.frame());
      expect(f).toContain('paused');
      await t.press(KEYS.esc);
      f = stripAnsi(t.frame());
      expect(f).not.toContain('step 39');
      expect(tail!.cancelled).toBe(true);
      transport.verify();
      expectFits(t.frame(), columns, rows, 'closed');
    });
  }

  test('a search typed in one chunk ("/step 7\\r") is typed whole and run; the chart takes m and y at 200x50', async () => {
    const { transport, feed } = logTransport(manifest);
    const t = await renderAt(200, 50, fleet(), { services: logServices(transport) });
    await t.press('3l');
    await tick(30);
    feed(Array.from({ length: 40 }, (_, i) => `step ${i} loss ${(2 / (i + 1)).toFixed(3)} acc ${(i / 40).toFixed(2)}`));
    await tick(60);
    await t.press('/step 7\r');
    expect(stripAnsi(t.frame())).toContain('/step 7');
    expect(stripAnsi(t.frame())).toContain('paused');
    await t.press('y');
    expect(stripAnsi(t.frame())).toContain('log y');
    await t.press(KEYS.esc);
    expect(stripAnsi(t.frame())).not.toContain('/step 7');
    expect(stripAnsi(t.frame())).toContain('step 39');
  });

  test('the log of a run that ended says how it ended, not "following"', async () => {
    const { transport, feed } = logTransport(manifest);
    const t = await renderAt(200, 50, fleet(), { services: logServices(transport) });
    await t.press('3', 'j', 'j', 'l'); // train03: crashed exit 1
    await tick(30);
    feed(['step 1 loss 2.0', 'Traceback (most recent call last):']);
    await tick(60);
    const status = lineWith(t.frame(), 'lines');
    expect(status).toMatch(/run crashed exit 1 · at the end/);
    expect(status).not.toContain('following');
  });

  test('l again closes it; a session without a manifest says so', async () => {
    const { transport } = logTransport('');
    const t = await renderAt(120, 40, fleet(), { services: logServices(transport) });
    await t.press('3', 'l');
    await tick(30);
    expect(stripAnsi(t.frame())).toContain(NO_LOG_MESSAGE);
    await t.press('l');
    expect(stripAnsi(t.frame())).not.toContain(NO_LOG_MESSAGE);
    transport.verify(); // no tail was started
  });

  test('l without a selected session asks for one', async () => {
    const transport = new ScriptedTransport(); // nothing may be run
    const t = await renderAt(120, 40, fleet(), { services: logServices(transport) });
    await t.press('l');
    expect(stripAnsi(t.frame())).toContain('select a session');
    transport.verify();
  });
});

describe('watchdog alerts', () => {
  const event = (n: number, kind: WatchdogEvent['kind'], session = 'train03'): WatchdogEvent => ({
    time: `2026-11-23T10:0${n}:00Z`,
    id: `17000-1-${n}`,
    host: 'alpha',
    session,
    project: 'demo',
    kind,
    level: kind === 'crashed' ? 'error' : 'info',
    detail: kind === 'crashed' ? 'exit 1' : 'started',
    pushed: false,
  });
  const status = (unread: WatchdogEvent[]) =>
    watchdogStatus({ pid: 42, summaryAgeSeconds: 3, unread, unreadCount: unread.length });

  function poller() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'trainyard-wd-'));
    dirs.push(dir);
    const bell = vi.fn();
    const transport = new ScriptedTransport(); // statusFor answers: nothing reaches the host
    const statusFor = vi.fn(async () => status([event(1, 'running'), event(2, 'crashed')]));
    const p = new WatchdogPoller({
      aliases: ['alpha', 'bravo'],
      transportFor: () => transport,
      seenFile: path.join(dir, 'seen.json'),
      bell,
      statusFor,
    });
    return { p, bell, statusFor };
  }

  test('the header counts the unread alerts (not a run starting) in both layouts; a new crash rings once and shows a banner until a key', async () => {
    const { p, bell } = poller();
    p.record('alpha', status([event(1, 'running')]));
    const wide = await renderAt(120, 40, fleet(), { services: { watchdog: p } });
    expect(lines(wide.frame())[0]).toMatch(/^trainyard .*connected {2,}\? help$/);
    const narrow = await renderAt(50, 25, fleet(), { services: { watchdog: p } });
    expect(lines(narrow.frame())[0]).toMatch(/^\[Hosts\] {2}GPUs {3}Sessions\s+2\/2 up$/);
    expect(bell).not.toHaveBeenCalled();

    p.record('alpha', status([event(1, 'running'), event(2, 'crashed')]));
    p.record('alpha', status([event(1, 'running'), event(2, 'crashed')]));
    await tick();
    expect(bell).toHaveBeenCalledTimes(1);
    expect(lines(wide.frame())[0]).toContain('⚠ 1');
    expect(lines(narrow.frame())[0]).toMatch(/⚠ 1 2\/2 up$/);
    expect(stripAnsi(wide.frame())).toContain('alpha: train03 crashed — exit 1');
    expect(stripAnsi(narrow.frame())).toContain('alpha: train03 crashed');
    expectFits(narrow.frame(), 50, 25, 'banner');
    await wide.press('j');
    expect(stripAnsi(wide.frame())).not.toContain('train03 crashed —');
  });

  test('a finish, a start or a stop by the user rings no bell and raises no banner; a full disk or the restart limit does', async () => {
    const { p, bell } = poller();
    p.record('alpha', status([event(1, 'running')]));
    const t = await renderAt(120, 40, fleet(), { services: { watchdog: p } });
    p.record(
      'alpha',
      status([event(1, 'running'), event(2, 'finished'), event(3, 'stopped'), event(4, 'watchdog-started', 'x')]),
    );
    await tick();
    expect(bell).not.toHaveBeenCalled();
    expect(p.store.getState().banner).toBeNull();
    expect(lines(t.frame())[0]).not.toContain('⚠');
    expect(stripAnsi(t.frame())).not.toContain('train03 finished');

    for (const [n, kind] of [
      [5, 'disk-full'],
      [6, 'restart-limit'],
    ] as const) {
      p.record('alpha', status([event(1, 'running'), event(n, kind)]));
      await tick();
      expect(stripAnsi(t.frame())).toContain(`alpha: train03 ${kind}`);
      await t.press('j');
    }
    expect(bell).toHaveBeenCalledTimes(2);
  });

  test('w opens the watchdog pane, lists the unread events and marks them seen', async () => {
    const { p, statusFor } = poller();
    p.record('alpha', status([event(1, 'running'), event(2, 'crashed')]));
    for (const [columns, rows] of [
      [120, 40],
      [50, 25],
    ] as const) {
      const t = await renderAt(columns, rows, fleet(), { services: { watchdog: p } });
      await t.press('w');
      await tick(30);
      const f = stripAnsi(t.frame());
      expect(f).toContain('watchdog running');
      expect(lineWith(f, 'train03 crashed')).toMatch(/11-23 10:02 train03 crashed exit 1/);
      expect(f).not.toContain('⚠ 1');
      expectFits(t.frame(), columns, rows, 'watchdog pane');
      await t.press('w');
      expect(stripAnsi(t.frame())).not.toContain('watchdog running');
    }
    expect(statusFor).toHaveBeenCalled();
    expect(p.store.getState().hosts.alpha.status?.unreadCount).toBe(0);
  });

  test('once read, events stay: the pane scrolls through the history, Enter shows one whole; a finish is good news', async () => {
    const { p, statusFor } = poller();
    const long = {
      ...event(3, 'crashed'),
      id: '17000-1-3',
      detail: `exit 1 · Traceback (most recent call last): ${'frame '.repeat(30)}RuntimeError: CUDA error: device-side assert triggered`,
    };
    const finished = { ...event(4, 'finished', 'train04'), detail: 'exit 0', level: 'info' as const };
    statusFor.mockImplementation(async () => status([event(1, 'running'), long, finished]));
    for (const [columns, rows] of [
      [200, 50],
      [80, 24],
      [50, 25],
    ] as const) {
      const t = await renderAt(columns, rows, fleet(), { services: { watchdog: p } });
      await t.press('w');
      await tick(30);
      statusFor.mockImplementation(async () => status([])); // read: the server has nothing unread any more
      await t.press('w', 'w');
      await tick(30);
      let f = stripAnsi(t.frame());
      expect(f).toContain('Events (3, newest first');
      expect(lineWith(f, '▸ 11-')).toMatch(/train04 finished ✓ exit 0/);
      expect(lines(f)[0]).not.toContain('⚠');
      await t.press('j');
      expect(lineWith(t.frame(), '▸ 11-')).toMatch(/train03 crashed exit 1/);
      await t.press(KEYS.enter);
      f = stripAnsi(t.frame());
      expect(f).toContain('Event 2 of 3');
      // the whole reason, wrapped onto as many rows as it needs
      expect(f).toContain('RuntimeError: CUDA error:');
      expect(f).toContain('device-side');
      expect(f).toContain('triggered');
      expectFits(t.frame(), columns, rows, 'event detail');
      await t.press(KEYS.enter);
      expect(stripAnsi(t.frame())).toContain('Events (3');
    }
  });

  test('no watchdog: the pane says how to install it', async () => {
    const { p, statusFor } = poller();
    statusFor.mockImplementation(async () => ({ ...status([]), installed: false, running: false }));
    const t = await renderAt(80, 24, fleet(), { services: { watchdog: p } });
    await t.press('w');
    await tick(30);
    expect(stripAnsi(t.frame())).toContain('install it: trainyard watchdog install alpha');
  });

  test('while the pane is open its host is kept fresh (focused); Esc lets it go', async () => {
    const { p } = poller();
    const focus = vi.spyOn(p, 'focus');
    const t = await renderAt(80, 24, fleet(), { services: { watchdog: p } });
    await t.press('w');
    await tick(30);
    expect(stripAnsi(t.frame())).toContain('Events (');
    expect(focus).toHaveBeenLastCalledWith('alpha');
    await t.press(KEYS.esc);
    expect(stripAnsi(t.frame())).not.toContain('Events (');
    expect(focus).toHaveBeenLastCalledWith(null);
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
