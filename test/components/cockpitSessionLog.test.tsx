import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, test } from 'vitest';
import type { CockpitServices } from '../../src/cockpit/controller.js';
import { NO_LOG_MESSAGE, openSessionLog } from '../../src/logs/sessionLog.js';
import { RECORD_END } from '../../src/logs/tailCommand.js';
import { ScriptedTransport } from '../support/scriptedTransport.js';
import { expectFits, fleet } from './cockpitServicesLab.js';
import { KEYS, lineWith, renderAt, stripAnsi, tick } from './render.js';

afterEach(() => cleanup());

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
