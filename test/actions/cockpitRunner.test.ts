/** The runner as the cockpit builds it: the fleet's held connections, GPU samples from the store. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCockpitRunner } from '../../src/actions/cockpitRunner.js';
import { Fleet } from '../../src/hosts/fleet.js';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';
import { waitFor } from '../support/waitFor.js';
import {
  copySampleProject,
  labConfig,
  type RemoteHost,
  remoteHost,
  removeDir,
  sampleProject,
  tempDir,
} from './helpers.js';

const can = canRunTestHosts();

describe.skipIf(!can.ok)('cockpit runner over the fleet', () => {
  let lab: TestHosts;
  let h: RemoteHost;
  let fleet: Fleet;
  let work: string;

  beforeAll(async () => {
    // GPU 0 busy, GPU 1 idle
    lab = await startTestHosts({ count: 2, gpu: { count: 2, util: [97, 3], set: { 'memory.used': [70000, 500] } } });
    h = remoteHost(lab, lab.hosts[0]);
    work = tempDir('ty-cockpit-');
    const local = copySampleProject(path.join(work, 'sample'));
    fleet = new Fleet(labConfig(lab, { sample: sampleProject(local, { train: 'sleep 60' }) }), {
      backoff: { baseMs: 200, capMs: 1000, jitter: 0 },
    });
    fleet.start();
    await fleet.settled(20_000);
  });

  afterAll(async () => {
    await fleet?.shutdown();
    h?.close();
    await lab?.stop();
    if (work) removeDir(work);
  });

  it('syncs and launches through the held connection, picking the least-used GPU from the store', async () => {
    expect(fleet.store.getState().hosts['gpu-1'].gpus).toHaveLength(2);
    const terminalUsed: string[] = [];
    const runner = createCockpitRunner(fleet, {
      dataDir: path.join(work, 'data'),
      env: { ...process.env, TMUX: '' },
      withTerminal: async (fn) => (terminalUsed.push('suspended'), fn()),
    });
    const sync = runner.start('sync', { host: 'gpu-1' });
    expect((await sync.done).outcome).toBe('ok');
    const launch = runner.start('launch', {
      host: 'gpu-1',
      params: { session: 'cockpit-1', gpus: 'least-used', verifyMs: 0 },
    });
    const v = await launch.done;
    expect(v.outcome, v.summary).toBe('ok');
    expect(v.summary).toBe(
      "launched cockpit-1 on gpu-1 (least-used GPU 1 (3% util, 0 GiB used) from the cockpit's latest sample)",
    );
    const state = runner.store.getState();
    expect(state.order).toEqual([sync.runId, launch.runId]);
    expect(state.runs[launch.runId]).toMatchObject({ status: 'ok', project: 'sample', host: 'gpu-1' });
    expect(runner.activeOn('gpu-1')).toEqual([]);
    expect((await h.run("tmux has-session -t '=cockpit-1'")).code).toBe(0);
  });

  it('a host that is down gives a failed verdict that says why, not an exception', async () => {
    await lab.hosts[1].stopSshd();
    await waitFor(
      () => fleet.store.getState().hosts['gpu-2'].connection.state !== 'connected',
      20_000,
      'gpu-2 to drop',
    );
    const runner = createCockpitRunner(fleet, { dataDir: path.join(work, 'data') });
    const v = await runner.start('sync', { host: 'gpu-2' }).done;
    expect(v).toMatchObject({ outcome: 'failed', cause: 'not-connected' });
    expect(v.summary).toMatch(/^gpu-2 is not reachable: /);
  });
});
