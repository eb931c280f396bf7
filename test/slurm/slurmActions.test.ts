/**
 * A Slurm login node as one more host, over real sshd with a real Slurm behind it: launch is an
 * sbatch job (Slurm's GPUs, the run's log, manifest and job id), a job pending on Resources says
 * why, stop asks and scancels, and every view of the cluster shares one poll per interval.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transportExec } from '../../src/backends/runBackend.js';
import { SlurmPollCache } from '../../src/backends/slurm/pollCache.js';
import { createSlurmBackend } from '../../src/backends/slurm/slurmBackend.js';
import { normalizeConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import {
  type ActionLab,
  type RemoteHost,
  runAction,
  sampleProject,
  startActionLab,
  waitOnHost,
} from '../actions/helpers.js';
import { canRunSlurm, type SlurmCluster, startSlurmCluster } from '../harness/slurmCluster.js';
import { canRunTestHosts } from '../harness/testHosts.js';
import { waitFor } from '../support/waitFor.js';

const can = canRunTestHosts().ok && canRunSlurm().ok;

describe.skipIf(!can)('Slurm login node: launch, pending reason, stop, poll ceiling', () => {
  let fixture: ActionLab;
  let cluster: SlurmCluster;
  let h: RemoteHost;
  let config: Config;
  const target = () => ({ host: h.alias, project: 'sample' });

  beforeAll(async () => {
    fixture = await startActionLab({
      prefix: 'ty-slurm-',
      projects: (local) => ({
        sample: sampleProject(local, {
          train: 'python3 train.py --steps 3000 --save-every 5 --step-seconds 0.1',
          slurm: { time: '10:00' },
        }),
      }),
    });
    h = fixture.h;
    cluster = await startSlurmCluster(fixture.lab.hosts[0], { gpus: 2 });
    const raw = {
      hosts: [{ alias: h.alias, scheduler: 'slurm', partition: cluster.partition }],
      sshConfig: fixture.lab.sshConfigPath,
      keepalive: { intervalSeconds: 5, countMax: 6 },
      projects: fixture.config.projects,
    };
    config = normalizeConfig(raw, '/tmp/trainyard-test-config.json');
    const sync = await runAction(config, fixture.conn, 'sync', target(), { dataDir: fixture.dataDir });
    expect(sync.verdict.outcome, sync.text).toBe('ok');
  });

  afterAll(async () => {
    await cluster?.stop();
    await fixture?.stop();
  });

  // the same config again is asked about: yes
  const launch = (session: string, gpus = 'least-used') =>
    runAction(
      config,
      fixture.conn,
      'launch',
      { ...target(), params: { session, gpus, verifyMs: 0 } },
      {
        dataDir: fixture.dataDir,
        assumeYes: true,
      },
    );

  it('launch submits a job: Slurm gives it a GPU, the log fills, the manifest and job id are on the login node', async () => {
    const r = await launch('sl-one');
    expect(r.verdict.outcome, r.text).toBe('ok');
    expect(r.text).toMatch(/Slurm job \d+/);
    expect(r.text).toContain('1 GPU from Slurm (--gres=gpu:1)');
    const jobId = (await h.run('cat ~/.trainyard/runs/sl-one.jobid')).stdout.trim();
    expect(jobId).toMatch(/^\d+$/);
    const sbatch = (await h.run('cat ~/.trainyard/runs/sl-one.sbatch')).stdout;
    expect(sbatch).toContain('#SBATCH --gres=gpu:1');
    expect(sbatch).toContain(`#SBATCH --partition=${cluster.partition}`);
    expect(sbatch).toContain('#SBATCH --time=10:00');
    expect(sbatch).toMatch(/#SBATCH --signal=B:USR1@120/);
    const q = await waitOnHost(h, `squeue -h -j ${jobId} -o '%T %j %b'`, /RUNNING/, 20_000);
    expect(q.trim()).toBe('RUNNING sl-one gres:gpu:1');
    const log = await waitOnHost(h, 'cat ~/.trainyard/runs/sl-one.log', /step 3 loss/, 20_000);
    expect(log).toContain(`start sl-one on ${cluster.nodeName}`);
    // Slurm's GPU, not one trainyard picked
    const env = await h.run(`scontrol show job ${jobId} | grep -o 'TresPerNode=[^ ]*'`);
    expect(env.stdout.trim()).toBe('TresPerNode=gres:gpu:1');
  });

  it('a job waiting for GPUs shows it is pending on Resources, through the backend and its cached poll', async () => {
    const two = await launch('sl-two');
    expect(two.verdict.outcome, two.text).toBe('ok');
    const three = await launch('sl-three');
    expect(three.verdict.outcome, three.text).toBe('ok');
    const cache = new SlurmPollCache();
    const backend = createSlurmBackend({ host: { alias: h.alias, pollSeconds: 5 }, cache });
    const exec = transportExec(fixture.conn);
    const snap = await waitFor(() => backend.inspect(exec, h.alias, '~/work/sample'), {
      until: (s) => s.runs.find((r) => r.id === 'sl-three')?.slurm?.reason === 'Resources',
      timeoutMs: 30_000,
      intervalMs: 1000,
      what: 'sl-three pending on Resources',
      show: (s) => JSON.stringify(s.runs.map((r) => [r.id, r.state, r.slurm])),
    });
    const three3 = snap.runs.find((r) => r.id === 'sl-three')!;
    expect(three3.state).toBe('running');
    expect(three3.slurm?.state).toBe('PENDING');
    expect(snap.runs.find((r) => r.id === 'sl-one')?.slurm?.state).toBe('RUNNING');
    expect(snap.takenNames).toEqual(expect.arrayContaining(['sl-one', 'sl-two', 'sl-three']));
  });

  it('stop asks, then scancels the job: CANCELLED, marked stopped, the pending one starts', async () => {
    const jobId = (await h.run('cat ~/.trainyard/runs/sl-two.jobid')).stdout.trim();
    const declined = await runAction(
      config,
      fixture.conn,
      'stop',
      { ...target(), session: 'sl-two' },
      {
        dataDir: fixture.dataDir,
      },
    );
    expect(declined.verdict.outcome, declined.text).toBe('declined');
    expect((await h.run(`squeue -h -j ${jobId} -o %T`)).stdout.trim()).toBe('RUNNING');
    const stopped = await runAction(
      config,
      fixture.conn,
      'stop',
      { ...target(), session: 'sl-two' },
      {
        dataDir: fixture.dataDir,
        assumeYes: true,
      },
    );
    expect(stopped.verdict.outcome, stopped.text).toBe('ok');
    await waitOnHost(h, `squeue -h -t all -j ${jobId} -o %T`, /CANCELLED/, 20_000);
    expect((await h.run('test -e ~/.trainyard/runs/sl-two.stopped && echo yes')).stdout.trim()).toBe('yes');
    const threeId = (await h.run('cat ~/.trainyard/runs/sl-three.jobid')).stdout.trim();
    await waitOnHost(h, `squeue -h -j ${threeId} -o %T`, /RUNNING/, 30_000);
  });

  it('many readers within one interval cost the controller one squeue and one sinfo', async () => {
    const cache = new SlurmPollCache();
    const backend = createSlurmBackend({ host: { alias: h.alias, pollSeconds: 5 }, cache });
    const exec = transportExec(fixture.conn);
    await cluster.resetStats();
    const before = await cluster.rpcCount('REQUEST_JOB_USER_INFO');
    const nodeBefore = await cluster.rpcCount('REQUEST_NODE_INFO');
    await Promise.all([
      ...Array.from({ length: 5 }, () => backend.inspect(exec, h.alias, '~/work/sample')),
      ...['sl-one', 'sl-two', 'sl-three'].map((id) => backend.liveState(exec, h.alias, id)),
      cache.view(h.alias, exec),
    ]);
    await backend.liveState(exec, h.alias, 'sl-one');
    expect(cache.counts.polls).toBe(1);
    expect((await cluster.rpcCount('REQUEST_JOB_USER_INFO')) - before).toBe(1);
    expect((await cluster.rpcCount('REQUEST_NODE_INFO')) - nodeBefore).toBe(1);
  });
});
