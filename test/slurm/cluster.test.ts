/** The Slurm test cluster itself: a login node reached over real sshd, jobs get Slurm's GPUs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RemoteHost, remoteHost, waitOnHost } from '../actions/helpers.js';
import { canRunSlurm, type SlurmCluster, startSlurmCluster } from '../harness/slurmCluster.js';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';

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
});
