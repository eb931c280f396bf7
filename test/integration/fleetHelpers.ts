import { normalizeConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import type { HostState, TrainyardStore } from '../../src/state/store.js';
import type { TestHosts } from '../harness/testHosts.js';
import { waitFor } from '../support/waitFor.js';

/** A config for the test hosts with a fast keepalive so cuts are noticed in a few seconds. */
export function testConfig(hosts: TestHosts, extra: Record<string, unknown> = {}): Config {
  return normalizeConfig(
    {
      hosts: hosts.hosts.map((h) => h.alias),
      sshConfig: hosts.sshConfigPath,
      refreshSeconds: 0.5,
      sessionsRefreshSeconds: 1,
      keepalive: { intervalSeconds: 1, countMax: 2 },
      ...extra,
    },
    'test-config.json',
  );
}

export const FAST_BACKOFF = { baseMs: 300, capMs: 1500, jitter: 0 };

/** Polls the store until the predicate holds for a host, or fails with what the host looked like. */
export async function waitForHost(
  store: TrainyardStore,
  alias: string,
  predicate: (h: HostState) => boolean,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<HostState> {
  return waitFor(() => store.getState().hosts[alias], {
    until: predicate,
    timeoutMs,
    intervalMs: 100,
    what: `${alias}: ${what}`,
    show: (h) =>
      JSON.stringify({
        connection: h.connection,
        gpuError: h.gpuError,
        gpus: h.gpus.length,
        sessions: h.sessions.map((s) => s.name),
      }),
  });
}
