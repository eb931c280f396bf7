/** The Slurm test cluster itself: a login node reached over real sshd, jobs get Slurm's GPUs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectScheduler } from '../../src/backends/select.js';
import { normalizeConfig } from '../../src/config/load.js';
import { HostMonitor } from '../../src/hosts/hostMonitor.js';
import { createTrainyardStore } from '../../src/state/store.js';
import type { Transport } from '../../src/transport/types.js';
import { type RemoteHost, remoteHost, waitOnHost } from '../actions/helpers.js';
import { canRunSlurm, type SlurmCluster, startSlurmCluster } from '../harness/slurmCluster.js';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';
import { waitFor } from '../support/waitFor.js';

const can = canRunTestHosts().ok && canRunSlurm().ok;

describe.skipIf(!can)('Slurm test cluster', () => {
  let lab: TestHosts;
  let cluster: SlurmCluster;
  let h: RemoteHost;
  beforeAll(async () => {
    lab = await startTestHosts({ count: 1 });
    cluster = await startSlurmCluster(lab.hosts[0], { gpus: 2 });
    h = remoteHost(lab, lab.hosts[0]);
  });
  afterAll(async () => {
    h?.close();
    await cluster?.stop();
    await lab?.stop();
  });

  it('answers sinfo over ssh with the node, its 2 GPUs and idle', async () => {
    const r = await h.run('sinfo -h -N -O NodeHost,StateLong,Gres:30');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`${cluster.nodeName}\\s+idle\\s+gpu:2`));
  });

  it('gives a job with --gres=gpu:1 one GPU as CUDA_VISIBLE_DEVICES, writing its output in the home', async () => {
    const r = await h.run(
      `sbatch --parsable --gres=gpu:1 -o out-%j.txt --wrap 'echo "gpus=$CUDA_VISIBLE_DEVICES host=$(hostname)"'`,
    );
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();
    expect(id).toMatch(/^\d+$/);
    const out = await waitOnHost(h, `cat out-${id}.txt 2>/dev/null`, /gpus=/);
    expect(out.trim()).toBe(`gpus=0 host=${cluster.nodeName}`);
  });

  it('is found to be a Slurm login node by the cockpit unasked, and watched as a cluster from then on', async () => {
    const alias = lab.hosts[0].alias;
    const config = normalizeConfig({ hosts: [alias], sshConfig: lab.sshConfigPath }, '/tmp/trainyard-test.json');
    const store = createTrainyardStore(config.hosts);
    const monitor = new HostMonitor(config.hosts[0], config, store);
    try {
      monitor.start();
      const cluster = await waitFor(() => store.getState().hosts[alias]?.cluster, {
        until: (c) => c !== undefined && c !== null,
        timeoutMs: 30_000,
        what: 'the cluster watch',
      });
      expect(cluster).toBeTruthy();
      expect(store.getState().hosts[alias].sessions).toEqual([]);
      // the actions' backend choice takes the cockpit's answer: no exec of its own
      const noExec = {
        exec: () => Promise.reject(new Error('detection ran again')),
      } as unknown as Transport;
      expect(await detectScheduler(noExec, alias)).toBe('slurm');
    } finally {
      monitor.stop();
    }
  });
});
