/**
 * The host list's summary of one host: counted from the host's own state, and the very same
 * answer again while that state is unchanged (every row asks on every store update).
 */
import { describe, expect, it } from 'vitest';
import { hostSummary } from '../../src/cockpit/selectors.js';
import { patchHost } from '../../src/state/store.js';
import { fillConnectedHost, MIXED_SESSIONS, makeStore, sessionsFrom } from '../components/fixtures.js';

describe('hostSummary', () => {
  it('counts the runs and the mean utilisation of a connected host', () => {
    const store = makeStore(['a']);
    fillConnectedHost(store, 'a', { gpus: 2 });
    const h = store.getState().hosts.a;
    const mean = h.gpus.reduce((sum, g) => sum + (g.utilization ?? 0), 0) / h.gpus.length;
    // MIXED_SESSIONS: one running, one exited 0, one exited 1, one killed by a signal
    expect(hostSummary(h)).toEqual({
      state: 'connected',
      avgUtil: Math.round(mean),
      running: 1,
      finished: 1,
      crashed: 2,
    });
  });

  it('answers with the same object while the host is unchanged, and anew once it changes', () => {
    const store = makeStore(['a', 'b']);
    fillConnectedHost(store, 'a');
    fillConnectedHost(store, 'b');
    const first = hostSummary(store.getState().hosts.a);
    patchHost(store, 'b', { sessions: [] });
    expect(hostSummary(store.getState().hosts.a)).toBe(first);

    patchHost(store, 'a', { sessions: sessionsFrom([...MIXED_SESSIONS, { name: 'train05', ageSeconds: 1 }]) });
    const after = hostSummary(store.getState().hosts.a);
    expect(after).not.toBe(first);
    expect(after.running).toBe(first.running + 1);
  });
});
