import { describe, expect, test } from 'vitest';
import { countSessions, formatAge, sessionAgeSeconds, sessionStatus } from '../../src/format/sessions.js';
import { MIXED_SESSIONS, sessionsFrom } from '../components/fixtures.js';

describe('session formatting', () => {
  const now = 1_800_000_000;
  const [running, finished, crashed, killed] = sessionsFrom(MIXED_SESSIONS, now);

  test('status words from the parsed tmux fields', () => {
    expect(sessionStatus(running)).toEqual({ kind: 'running', text: 'running' });
    expect(sessionStatus(finished)).toEqual({ kind: 'finished', text: 'finished' });
    expect(sessionStatus(crashed)).toEqual({ kind: 'crashed', text: 'crashed exit 1' });
    expect(sessionStatus(killed)).toEqual({ kind: 'killed', text: 'killed signal 15' });
  });

  test('a run the user stopped reads "stopped" whatever its exit, and is no crash', () => {
    const stopped = [
      { ...crashed, stopped: true },
      { ...killed, stopped: true },
    ];
    for (const s of stopped) expect(sessionStatus(s)).toEqual({ kind: 'stopped', text: 'stopped' });
    // a live run is running, whatever a stale marker says
    expect(sessionStatus({ ...running, stopped: true }).kind).toBe('running');
    expect(countSessions(stopped)).toEqual({ running: 0, finished: 2, crashed: 0 });
  });

  test('counts: kills count as crashes', () => {
    expect(countSessions([running, finished, crashed, killed])).toEqual({ running: 1, finished: 1, crashed: 2 });
  });

  test('ages are minutes, hours, days', () => {
    expect(formatAge(59)).toBe('<1m');
    expect(formatAge(5 * 60 + 10)).toBe('5m');
    expect(formatAge(3 * 3600 + 100)).toBe('3h');
    expect(formatAge(2 * 86400 + 50)).toBe('2d');
  });

  test("age is measured on the server's clock", () => {
    // Server clock 2 h ahead of ours: a session created "now" by the server is 0 s old, not -2 h.
    const s = sessionsFrom([{ name: 'x', ageSeconds: 0 }], now + 7200)[0];
    expect(sessionAgeSeconds(s, now * 1000, 7200)).toBe(0);
    expect(sessionAgeSeconds(s, now * 1000, 0)).toBe(-7200);
    expect(formatAge(sessionAgeSeconds(running, now * 1000, 0))).toBe('5m');
  });
});
