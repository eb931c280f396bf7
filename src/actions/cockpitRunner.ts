/**
 * The runner the cockpit uses: actions go through each host's held connection (the fleet's
 * monitors), GPU choices read the store's newest sample, and attach suspends the UI around the
 * terminal hand-over (the cockpit passes Ink's suspendTerminal as withTerminal).
 */
import { backendForHost } from '../backends/select.js';
import type { Fleet } from '../hosts/fleet.js';
import { NotConnectedError } from '../ssh/connection.js';
import type { ActionsStore } from '../state/actionsStore.js';
import { ActionRunner } from './runner.js';

export interface CockpitRunnerOptions {
  withTerminal?<T>(fn: () => Promise<T>): Promise<T>;
  store?: ActionsStore;
  env?: NodeJS.ProcessEnv;
  dataDir?: string;
}

export function createCockpitRunner(fleet: Fleet, options: CockpitRunnerOptions = {}): ActionRunner {
  return new ActionRunner({
    config: fleet.config,
    store: options.store,
    env: options.env,
    dataDir: options.dataDir,
    withTerminal: options.withTerminal,
    transportFor: (host) => {
      const monitor = fleet.monitor(host);
      if (!monitor) throw new Error(`${host} is not one of the configured hosts`);
      const c = monitor.connection;
      if (c && !c.isReady)
        throw new NotConnectedError(`${c.info.error ?? c.info.state}${c.info.hint ? ` — ${c.info.hint}` : ''}`);
      return monitor.transport;
    },
    backendFor: (host, transport) => backendForHost(fleet.config, host, transport),
    gpuSamples: (host) => {
      const h = fleet.store.getState().hosts[host];
      return h?.gpus.length ? h.gpus : null;
    },
  });
}
