/** The cockpit's watchdog alerts: the header count, the bell and banner, the watchdog pane. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanup } from 'ink-testing-library';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import type { WatchdogEvent } from '../../src/watchdog/events.js';
import { WatchdogPoller } from '../../src/watchdog/poller.js';
import { ScriptedTransport } from '../support/scriptedTransport.js';
import { watchdogStatus } from '../support/watchdogStatus.js';
import { expectFits, fleet } from './cockpitServicesLab.js';
import { KEYS, lines, lineWith, renderAt, stripAnsi, tick } from './render.js';

afterEach(() => cleanup());

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
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
