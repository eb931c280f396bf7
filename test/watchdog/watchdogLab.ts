/**
 * What the watchdog's real-host tests share: one test host (sshd, tmux, the fake nvidia-smi with
 * GPU 0 idle and GPU 1 busy) with a connection and its home, the real logs they replay, the
 * hostile names, and the run manifests read back from the host.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openHostTransport } from '../../src/cli/hostTransport.js';
import { shScript } from '../../src/commands/value.js';
import type { Config } from '../../src/config/types.js';
import type { RunManifest } from '../../src/runs/layout.js';
import type { Transport } from '../../src/transport/types.js';
import { startTestHosts, type TestHosts } from '../harness/testHosts.js';
import { testConfig } from '../integration/fleetHelpers.js';
import { remoteHome } from './helpers.js';

export const fixture = (name: string) =>
  readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'logs', name), 'utf8');
export const HOSTILE = `evil'$(touch PWNED)";\`touch PWNED2\` #(touch PWNED3) x`;
/** The newest checkpoint of the qresume run: its name is shell code that would create PWNED5/6. */
export const QCKPT = `ck-$(touch PWNED5)\`touch PWNED6\` "x" 'y' 2000`;

export async function manifests(t: Transport): Promise<RunManifest[]> {
  const r = await t.exec(shScript('for f in "$HOME"/.trainyard/runs/*.json; do cat "$f"; echo; done'));
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunManifest);
}

export interface WatchdogHost {
  hosts: TestHosts;
  config: Config;
  /** A connection to gpu-1, and how to close it. */
  t1: Transport;
  close1: () => void;
  /** gpu-1's $HOME. */
  home1: string;
}

/** One test host, gpu-1, connected: GPU 0 idle (the stalled run uses it), GPU 1 busy (every other run). */
export async function startWatchdogHost(): Promise<WatchdogHost> {
  const hosts = await startTestHosts({ count: 1, gpu: { mode: 'load', count: 2, util: [0, 90] } });
  try {
    const config = testConfig(hosts);
    const { transport: t1, close: close1 } = await openHostTransport(config, 'gpu-1', 20_000);
    return { hosts, config, t1, close1, home1: await remoteHome(t1) };
  } catch (error) {
    await hosts.stop();
    throw error;
  }
}
