/** The registry of actions the cockpit wires keys to: what each needs, which are destructive. */
import { describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/actions/registry.js';
import { ActionRunner } from '../../src/actions/runner.js';
import { normalizeConfig } from '../../src/config/load.js';
import { ScriptedTransport } from '../support/scriptedTransport.js';

/** No command is expected: any one fails the test. */
const transport = new ScriptedTransport();
const config = normalizeConfig(
  { hosts: ['gpu-a'], projects: { one: { local: '/tmp/p', remote: '/w/p', train: 'python t.py' } } },
  '/cfg.json',
);

describe('registry', () => {
  it('lists the actions, the destructive one and the ones that need a session', () => {
    expect(ACTIONS.map((a) => a.id)).toEqual(['sync', 'smoke', 'launch', 'restart', 'pull', 'attach', 'stop', 'clear']);
    expect(ACTIONS.filter((a) => a.destructive).map((a) => a.id)).toEqual(['stop', 'clear']);
    expect(ACTIONS.filter((a) => a.needs.session).map((a) => a.id)).toEqual(['attach', 'stop']);
  });

  it('offers session actions only with a session selected', () => {
    const runner = new ActionRunner({ config, transportFor: () => transport });
    expect(runner.available({ session: null }).map((a) => a.id)).toEqual([
      'sync',
      'smoke',
      'launch',
      'restart',
      'pull',
      'clear',
    ]);
    expect(runner.available({ session: 'train01' }).map((a) => a.id)).toContain('stop');
  });
});
