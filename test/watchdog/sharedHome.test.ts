/**
 * Two servers that share one home directory (NFS homes on a lab cluster), on real sshd, tmux and
 * the fake nvidia-smi: each server's watchdog keeps its own state and watches only the runs that
 * server started, and the launch action's probe lists only this server's runs. Also: two
 * installs at the same moment leave one watchdog.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHostProbe } from '../../src/backends/tmux/tmuxBackend.js';
import { hostProbeCommand } from '../../src/backends/tmux/tmuxCommands.js';
import { openHostTransport } from '../../src/cli/hostTransport.js';
import { shScript } from '../../src/commands/value.js';
import type { Config } from '../../src/config/types.js';
import type { Transport } from '../../src/transport/types.js';
import { installWatchdog, readWatchdogState } from '../../src/watchdog/operations.js';
import { canRunTestHosts, startTestHosts, type TestHost, type TestHosts } from '../harness/testHosts.js';
import { testConfig } from '../integration/fleetHelpers.js';
import { has, launchTestRun, remoteHome, sleep, waitForEvents } from './helpers.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`shared-home tests cannot run in CI: ${can.reason}`);

const FAST = { intervalSeconds: 1, stallSeconds: 600, silentSeconds: 600 };

function watchdogProcesses(host: TestHost): number[] {
  return host.pids().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('watchdog.sh\0run');
    } catch {
      return false;
    }
  });
}

describe.skipIf(!can.ok)('two servers sharing one home', () => {
  let hosts: TestHosts;
  let config: Config;
  const t: Transport[] = [];
  const closers: (() => void)[] = [];
  let home: string;

  beforeAll(async () => {
    hosts = await startTestHosts({ count: 2, sharedHome: true, gpu: { mode: 'load', count: 1, util: [90] } });
    config = testConfig(hosts);
    for (const alias of ['gpu-1', 'gpu-1', 'gpu-2']) {
      const { transport, close } = await openHostTransport(config, alias, 20_000);
      t.push(transport);
      closers.push(close);
    }
    home = await remoteHome(t[0]);
    expect(await remoteHome(t[2])).toBe(home);
    // really one directory: what one server writes, the other reads
    await t[0].exec(shScript('echo shared > shared-proof'));
    expect((await t[2].exec(shScript('cat shared-proof'))).stdout.trim()).toBe('shared');
  }, 60_000);

  afterAll(async () => {
    for (const c of closers) c();
    await hosts?.stop();
  });

  it('two installs at the same moment leave one watchdog', async () => {
    const results = await Promise.all([installWatchdog(t[0], 'gpu-1', FAST), installWatchdog(t[1], 'gpu-1', FAST)]);
    expect(results.map((r) => r.action).sort()).toEqual(expect.arrayContaining(['started']));
    await sleep(1500);
    const pids = watchdogProcesses(hosts.host('gpu-1'));
    expect(pids).toHaveLength(1);
    const state = await readWatchdogState(t[0], 'gpu-1');
    expect(state).toMatchObject({ running: true, pid: pids[0], pane: 'alive' });
    expect(
      (await t[0].exec(shScript('tmux ls -F "#{session_name}" | grep -c "^trainyard-watchdog$"'))).stdout.trim(),
    ).toBe('1');
  }, 60_000);

  it('each server watches its own runs only: no run of the other marked lost, no alert twice', async () => {
    await installWatchdog(t[2], 'gpu-2', FAST);
    expect(watchdogProcesses(hosts.host('gpu-2'))).toHaveLength(1);
    expect(watchdogProcesses(hosts.host('gpu-1'))).toHaveLength(1);
    await Promise.all([
      launchTestRun(t[0], 'gpu-1', home, { session: 'one-crash', project: 'p', command: 'sleep 3; exit 3', gpus: '0' }),
      launchTestRun(t[0], 'gpu-1', home, { session: 'one-live', project: 'p', command: 'sleep 300', gpus: '0' }),
      launchTestRun(t[2], 'gpu-2', home, { session: 'two-live', project: 'p', command: 'sleep 300', gpus: '0' }),
    ]);
    const ev1 = await waitForEvents(
      t[0],
      'gpu-1',
      (e) => has(e, 'one-crash', 'crashed') && has(e, 'one-live', 'running'),
      30_000,
      'gpu-1 runs',
    );
    await waitForEvents(t[2], 'gpu-2', (e) => has(e, 'two-live', 'running'), 30_000, 'gpu-2 run');
    await sleep(4000); // beyond the lost grace (2 intervals): a foreign run would be "lost" by now
    const [s1, s2] = [await readWatchdogState(t[0], 'gpu-1'), await readWatchdogState(t[2], 'gpu-2')];
    expect(s2.events.filter((e) => e.session !== null).map((e) => `${e.session}:${e.kind}`)).toEqual([
      'two-live:running',
    ]);
    expect(s1.events.filter((e) => e.session?.startsWith('two'))).toEqual([]);
    expect(ev1.filter((e) => e.session === 'one-crash').map((e) => e.kind)).toEqual(['running', 'crashed']);
    expect(new Set(s1.events.map((e) => e.host))).toEqual(new Set(['gpu-node-1']));
    expect(new Set(s2.events.map((e) => e.host))).toEqual(new Set(['gpu-node-2']));
    expect(s1.summary!.runs.map((r) => r.session).sort()).toEqual(['one-crash', 'one-live']);
    expect(s2.summary!.runs.map((r) => r.session)).toEqual(['two-live']);
    expect(s1.summary!.host).toBe('gpu-node-1');
    // per-server state lives side by side in the shared home
    expect(
      (await t[0].exec(shScript('ls "$HOME"/.trainyard/watchdog'))).stdout.split('\n').filter(Boolean).sort(),
    ).toEqual(['gpu-node-1', 'gpu-node-2']);
  }, 60_000);

  it("the launch action's probe (and so the duplicate-config question) lists only this server's runs", async () => {
    const probe = async (tr: Transport, alias: string) => {
      const cmd = hostProbeCommand(alias, '~');
      const r = await tr.exec(cmd, { timeoutMs: 20_000 });
      return parseHostProbe(r.stdout, '~')
        .runs.map((x) => `${x.manifest.session}:${x.state}`)
        .sort();
    };
    expect(await probe(t[2], 'gpu-2')).toEqual(['two-live:running']);
    expect(await probe(t[0], 'gpu-1')).toEqual(['one-crash:exited', 'one-live:running']);
  }, 30_000);
});
