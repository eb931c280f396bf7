/** How often the Runs poll looks at an idle host by itself (its marks bring a look sooner: idlePolls.test.ts). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RunsPoller } from '../../src/runs/runsPoller.js';
import { createTrainyardStore } from '../../src/state/store.js';
import { ScriptedTransport } from '../support/scriptedTransport.js';

afterEach(() => vi.useRealTimers());

describe('the Runs poll at an idle host', () => {
  it('looks once at start, then every five minutes, not every minute', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    // nothing running or queued: two looks are all the script allows
    const transport = new ScriptedTransport()
      .expect('trainyard-runs', { stdout: '' })
      .expect('trainyard-runs', { stdout: '' });
    const runs = new RunsPoller({
      config: { projects: {} },
      hosts: createTrainyardStore([{ alias: 'h' }]),
      transportFor: () => transport,
    });
    runs.start();
    try {
      await vi.advanceTimersByTimeAsync(10_000);
      expect(transport.calls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(4 * 60_000 + 40_000); // 4 min 50 s in
      expect(transport.calls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(20_000); // 5 min 10 s
      expect(transport.calls).toHaveLength(2);
      transport.verify();
    } finally {
      runs.stop();
    }
  });
});
