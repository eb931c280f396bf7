import { describe, expect, it } from 'vitest';
import { formatEvent, parseEvents } from '../../src/watchdog/events.js';
import { parseStatusOutput } from '../../src/watchdog/remote.js';
import { parseSummary } from '../../src/watchdog/summary.js';

/** What a log line can make the watchdog write: JSON \u escapes that parse into real ESC and BEL. */
const OSC52 = '\\u001b]52;c;aGVsbG8=\\u0007';
const TITLE = '\\u001b]0;pwned\\u0007';
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('text the watchdog wrote reaches a screen sanitised', () => {
  it('events: no escape sequence or control byte in any field', () => {
    const line = `{"time":"2026-11-29T20:00:00Z","id":"1-2-3","host":"gpu${TITLE}","session":"run${OSC52}","project":"p\\u0007","kind":"crashed${TITLE}","level":"error","detail":"exit code 1: ${OSC52}boom\\r\\nline\\u009b2J","pushed":false}`;
    const [e] = parseEvents(line);
    expect(e).toBeDefined();
    for (const v of [e.time, e.id, e.host, e.session, e.project, e.kind, e.detail]) expect(v ?? '').not.toMatch(CONTROL);
    expect(e.detail).toContain('boom');
    expect(formatEvent(e, 'gpu-a')).not.toMatch(CONTROL);
  });

  it('summary: every string sanitised, foreign runs dropped', () => {
    const text = JSON.stringify({ version: 'v', host: 'h', epoch: 1, runs: [] }).replace('"runs":[]', `"runs":[{"session":"r1","project":"p${OSC52}","status":"crashed","flags":["oom${TITLE}",3],"lastError":"RuntimeError: ${OSC52}x","log":"/l","autoRestart":{"enabled":false,"max":0,"state":null,"at":null,"child":null}},{"nosession":1},null]`);
    const s = parseSummary(text);
    expect(s).not.toBeNull();
    expect(s!.runs).toHaveLength(1);
    expect(JSON.stringify(s)).not.toMatch(/\\u00(0[0-8]|1[0-9a-f]|7f)|\\u009/);
    expect(s!.runs[0].lastError).toBe('RuntimeError: x');
    expect(s!.runs[0].flags).toEqual(['oom']);
  });

  it('the status command output: the summary and events inside it are sanitised too', () => {
    const out = [
      '@@now 100',
      '@@version 1',
      '@@pid 5',
      '@@summary',
      `{"version":"1","host":"h","epoch":99,"runs":[{"session":"s","lastError":"${OSC52}","flags":[]}]}`,
      '@@events',
      `{"time":"2026-11-29T20:00:00Z","id":"1","kind":"oom","detail":"${OSC52}","pushed":false}`,
      '@@end',
    ].join('\n');
    const st = parseStatusOutput(out);
    expect(JSON.stringify(st)).not.toMatch(/\\u001b|\\u0007/);
    expect(st.events).toHaveLength(1);
  });
});
