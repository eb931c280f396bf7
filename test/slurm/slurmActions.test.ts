/**
 * A Slurm login node as one more host, over real sshd with a real Slurm behind it: launch is an
 * sbatch job (Slurm's GPUs, the run's log, manifest and job id), a job pending on Resources says
 * why, stop asks and scancels, and every view of the cluster shares one poll per interval.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transportExec } from '../../src/backends/runBackend.js';
import { SlurmPollCache } from '../../src/backends/slurm/pollCache.js';
import { createSlurmBackend } from '../../src/backends/slurm/slurmBackend.js';
import { slurmJobsText, slurmStatusFor } from '../../src/cli/slurmStatus.js';
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
const USR1_PROGRAM =
  "import signal, time; signal.signal(signal.SIGUSR1, lambda *a: print('got USR1: saving a checkpoint', flush=True)); print('program ready', flush=True); [time.sleep(0.1) for _ in iter(int, 1)]";

describe.skipIf(!can)('Slurm login node: launch, pending reason, stop, poll ceiling', () => {
  let fixture: ActionLab;
  let cluster: SlurmCluster;
  let h: RemoteHost;
  let config: Config;
  const target = () => ({ host: h.alias, project: 'sample' });
  const configRaw = () => ({
    hosts: [{ alias: h.alias, scheduler: 'slurm', partition: cluster.partition }],
    sshConfig: fixture.lab.sshConfigPath,
    keepalive: { intervalSeconds: 5, countMax: 6 },
    projects: fixture.config.projects,
  });

  beforeAll(async () => {
    fixture = await startActionLab({
      prefix: 'ty-slurm-',
      projects: (local) => ({
        sample: sampleProject(local, {
          train: 'python3 train.py --steps 3000 --save-every 5 --step-seconds 0.1',
          slurm: { time: '10:00', signalSeconds: 120 },
        }),
        // a program that saves a checkpoint on SIGUSR1, the way --signal is meant to be used
        sig: sampleProject(local, {
          train: `python3 -c ${JSON.stringify(USR1_PROGRAM)}`,
          slurm: { time: '10:00', signalSeconds: 120 },
        }),
      }),
    });
    h = fixture.h;
    cluster = await startSlurmCluster(fixture.lab.hosts[0], { gpus: 2 });
    config = normalizeConfig(configRaw(), '/tmp/trainyard-test-config.json');
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
    // each launch submitted a restart guard job: never a run, and `status` lists its run as guarded
    expect((await h.run("squeue -h -o '%j %T' -n sl-one-guard")).stdout.trim()).toBe('sl-one-guard PENDING');
    expect(snap.runs.map((r) => r.id).sort()).toEqual(['sl-one', 'sl-three', 'sl-two']);
    // the process's cache (10 s) may still hold the view from before these launches
    const status = await waitFor(() => slurmStatusFor(config, h.alias, fixture.conn), {
      until: (st) => (st?.jobs.length ?? 0) >= 3,
      timeoutMs: 20_000,
      intervalMs: 1000,
      what: 'status lists the three runs',
      show: (st) => JSON.stringify(st?.jobs),
    });
    expect(status?.jobs.map((j) => j.name).sort()).toEqual(['sl-one', 'sl-three', 'sl-two']);
    expect(status?.jobs.find((j) => j.name === 'sl-one')?.guarded).toBe(true);
    expect(slurmJobsText(status!)).toMatch(/sl-one RUNNING .* guarded/);
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
    expect(stopped.verdict.summary).toBe(`stopped sl-two on ${h.alias} (Slurm job cancelled)`);
    await waitOnHost(h, `squeue -h -t all -j ${jobId} -o %T`, /CANCELLED/, 20_000);
    expect((await h.run('test -e ~/.trainyard/runs/sl-two.stopped && echo yes')).stdout.trim()).toBe('yes');
    const threeId = (await h.run('cat ~/.trainyard/runs/sl-three.jobid')).stdout.trim();
    await waitOnHost(h, `squeue -h -j ${threeId} -o %T`, /RUNNING/, 30_000);
  });

  it('SIGUSR1 before the time limit reaches the training program, not the shells around it', async () => {
    await h.run('scancel -n sl-one; scancel -n sl-three'); // GPUs free for it
    const r = await runAction(
      config,
      fixture.conn,
      'launch',
      { host: h.alias, project: 'sig', params: { session: 'sl-sig', gpus: 'least-used', verifyMs: 0 } },
      { dataDir: fixture.dataDir, assumeYes: true },
    );
    expect(r.verdict.outcome, r.text).toBe('ok');
    const jobId = (await h.run('cat ~/.trainyard/runs/sl-sig.jobid')).stdout.trim();
    await waitOnHost(h, 'cat ~/.trainyard/runs/sl-sig.log', /program ready/, 30_000);
    // what Slurm does at limit - signalSeconds with --signal=B:USR1: the signal to the batch shell
    const sig = await h.run(`scancel --batch -s USR1 ${jobId}`);
    expect(sig.code, sig.stderr).toBe(0);
    await waitOnHost(h, 'cat ~/.trainyard/runs/sl-sig.log', /got USR1: saving a checkpoint/, 20_000);
    expect((await h.run(`squeue -h -j ${jobId} -o %T`)).stdout.trim()).toBe('RUNNING');
    await h.run(`scancel ${jobId}`);
  });

  it('smoke runs on a GPU node with srun, streamed, with the same verdict', async () => {
    const r = await runAction(config, fixture.conn, 'smoke', target(), { dataDir: fixture.dataDir });
    expect(r.verdict.outcome, r.text).toBe('ok');
    expect(r.verdict.cause).toBe('passed');
    expect(r.text).toContain('step 10 loss');
    // the job srun made for it, on the GPU node (COMPLETING for a moment first)
    const jobs = await waitOnHost(h, "squeue -h -t all -o '%j %T %b' | grep -- '-smoke '", /COMPLETED/, 20_000);
    expect(jobs.trim()).toMatch(/^sample-[0-9a-f]+-smoke COMPLETED gres:gpu:1$/);
  });

  it('cancelling a smoke test ends its job and the program on the node', async () => {
    const long = normalizeConfig(
      {
        ...configRaw(),
        projects: {
          sample: { ...config.projects.sample, smoke: 'python3 train.py --steps 100000 --step-seconds 0.05' },
        },
      },
      '/tmp/trainyard-test-config.json',
    );
    let started = false;
    const r = await runAction(long, fixture.conn, 'smoke', target(), {
      dataDir: fixture.dataDir,
      onStart: (runner, runId) => {
        const unsub = runner.store.subscribe((s) => {
          if (!started && s.runs[runId]?.lines.some((l) => l.text.startsWith('step 3 '))) {
            started = true;
            unsub();
            runner.cancel(runId);
          }
        });
      },
    });
    expect(started).toBe(true);
    expect(r.verdict.outcome, r.text).toBe('cancelled');
    // nothing of it is left: no smoke job holds a GPU, the program is gone from the node
    await waitOnHost(h, "echo jobs=$(squeue -h -t R,PD,CG -o '%j' | grep -c -- '-smoke$')", /jobs=0/, 20_000);
    await waitOnHost(h, "echo procs=$(pgrep -fc 'train[.]py --steps 100000 --step-seconds 0[.]05')", /procs=0/, 20_000);
  });

  it('many readers within one interval cost the controller one squeue and one sinfo', async () => {
    const cache = new SlurmPollCache();
    const backend = createSlurmBackend({ host: { alias: h.alias, pollSeconds: 5 }, cache });
    const exec = transportExec(fixture.conn);
    // a poll an earlier test left on the login node would answer without any squeue at all
    await h.run('rm -f ~/.trainyard/slurm/*.poll');
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
