/**
 * trainyard status and doctor on a Slurm login node that the config does not declare (detected):
 * GPUs per partition, my jobs with the pending reason, a draining node marked; doctor checks the
 * Slurm commands and says sacct is refused on a cluster without accounting.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RemoteHost, remoteHost } from '../actions/helpers.js';
import { canRunSlurm, type SlurmCluster, startSlurmCluster } from '../harness/slurmCluster.js';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';
import { waitFor } from '../support/waitFor.js';

const can = canRunTestHosts().ok && canRunSlurm().ok;
const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');

describe.skipIf(!can)('status and doctor on a Slurm login node', () => {
  let lab: TestHosts;
  let cluster: SlurmCluster;
  let h: RemoteHost;
  let config: string;
  const cli = (...args: string[]) => execa('node', [BIN, ...args, '--config', config], { reject: false });

  beforeAll(async () => {
    lab = await startTestHosts({ count: 1 });
    cluster = await startSlurmCluster(lab.hosts[0], { gpus: 2 });
    h = remoteHost(lab, lab.hosts[0]);
    config = path.join(lab.dir, 'slurm-status.json');
    writeFileSync(config, JSON.stringify({ hosts: [h.alias], sshConfig: lab.sshConfigPath }));
    for (const name of ['a', 'b', 'waits'])
      expect((await h.run(`sbatch -J ${name} --gres=gpu:1 -t 5 -o /dev/null --wrap 'sleep 300'`)).code).toBe(0);
    await waitFor(() => h.run("squeue -h -n waits -o '%T %r'"), {
      until: (r) => r.stdout.trim() === 'PENDING Resources',
      timeoutMs: 30_000,
      intervalMs: 500,
      what: 'job "waits" pending on Resources',
      show: (r) => r.stdout,
    });
  });
  afterAll(async () => {
    h?.close();
    await cluster?.stop();
    await lab?.stop();
  });

  it('status --json detects the cluster: GPUs per partition, my jobs, the pending reason', async () => {
    const r = await cli('status', '--json');
    const host = JSON.parse(r.stdout).hosts[0];
    expect(host.slurm.partitions).toEqual([{ name: 'gpu', gpus: 2, used: 2, free: 0, unavailable: 0 }]);
    const jobs = Object.fromEntries(host.slurm.jobs.map((j: { name: string }) => [j.name, j]));
    expect(jobs.waits).toMatchObject({ state: 'PENDING', reason: 'Resources', gpus: 1 });
    expect(jobs.a).toMatchObject({ state: 'RUNNING', reason: null, limitSeconds: 300, nodeList: cluster.nodeName });
  });

  it('status marks a draining node and shows why a job waits', async () => {
    expect(
      (await cluster.admin(['scontrol', 'update', `nodename=${cluster.nodeName}`, 'state=drain', 'reason=disk'])).code,
    ).toBe(0);
    // Slurm gives the pending job its new reason at its next scheduling pass: look until it has
    let r = await cli('status');
    for (let i = 0; i < 30 && !/Nodes required for job are DOWN, DRAINED/.test(r.stdout); i++) {
      await new Promise((done) => setTimeout(done, 1000));
      r = await cli('status');
    }
    expect(r.stdout).toContain('gpu: 2 GPUs, 2 used, 0 free');
    expect(r.stdout).toContain(`${cluster.nodeName} DRAINING`);
    // Slurm's own reason once the only node drains
    expect(r.stdout).toMatch(/\d+ waits PENDING \(Nodes required for job are DOWN, DRAINED/);
    expect(r.stdout).toMatch(/\d+ a RUNNING \d+:\d\d\/5:00 1 GPU/);
    await cluster.admin(['scontrol', 'update', `nodename=${cluster.nodeName}`, 'state=resume']);
  }, 60_000);

  it('doctor checks the Slurm commands; sacct without accounting is a warning, not a failure', async () => {
    const r = await cli('doctor', '--timeout', '15');
    expect(r.stdout).toMatch(/\[ok \] gpu-1 scheduler: a Slurm login node/);
    for (const name of ['sbatch', 'squeue', 'sinfo', 'scancel', 'srun'])
      expect(r.stdout).toMatch(new RegExp(`\\[ok \\] gpu-1 ${name}: `));
    expect(r.stdout).toMatch(/\[warn\] gpu-1 sacct: refused: Slurm accounting storage is disabled/);
    expect(r.exitCode).toBe(0);
  });
});
