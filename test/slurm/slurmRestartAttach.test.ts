/**
 * The person's own keys on a Slurm cluster, end to end over real sshd with a real Slurm: restart
 * resubmits a stopped run as a new job from its newest checkpoint, naming its parent; attach gives
 * a shell inside the running job (srun --overlap --pty) and, for a job that is not running, the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlurmBackend } from '../../src/backends/slurm/slurmBackend.js';
import type { Config } from '../../src/config/types.js';
import { type ActionLab, type RemoteHost, runAction, sampleProject, waitOnHost } from '../actions/helpers.js';
import { canRunSlurm } from '../harness/slurmCluster.js';
import { canRunTestHosts } from '../harness/testHosts.js';
import { inTerminal } from '../support/scriptTerminal.js';
import { waitFor } from '../support/waitFor.js';
import { type SlurmLab, startSlurmLab } from './slurmLab.js';

const can = canRunTestHosts().ok && canRunSlurm().ok;

describe.skipIf(!can)('Slurm login node: restart and attach by hand', () => {
  let lab: SlurmLab;
  let fixture: ActionLab;
  let h: RemoteHost;
  let config: Config;
  const target = () => ({ host: h.alias, project: 'sample' });
  const jobOf = async (run: string) => (await h.run(`cat ~/.trainyard/runs/${run}.jobid`)).stdout.trim();

  beforeAll(async () => {
    lab = await startSlurmLab({
      prefix: 'ty-slurm-hand-',
      projects: (local) => ({
        sample: sampleProject(local, {
          train: 'python3 train.py --output {run_dir} --steps 100000 --save-every 5 --step-seconds 0.1',
          slurm: { time: '10:00' },
        }),
      }),
    });
    ({ fixture, h, config } = lab);
  });

  afterAll(async () => {
    await lab?.stop();
  });

  const launch = (session: string) =>
    runAction(
      config,
      fixture.conn,
      'launch',
      { ...target(), params: { session, gpus: 'least-used', verifyMs: 0 } },
      { dataDir: fixture.dataDir, assumeYes: true },
    );

  it('restart resubmits a stopped run as <run>-r1 from its newest checkpoint, naming its parent', {
    timeout: 120_000,
  }, async () => {
    const started = await launch('hand');
    expect(started.verdict.outcome, started.text).toBe('ok');
    await waitOnHost(h, 'cat ~/.trainyard/runs/hand.log', /^step 2\d loss/m, 40_000);
    const stopped = await runAction(
      config,
      fixture.conn,
      'stop',
      { ...target(), session: 'hand' },
      { dataDir: fixture.dataDir, assumeYes: true },
    );
    expect(stopped.verdict.outcome, stopped.text).toBe('ok');
    const parentJob = await jobOf('hand');
    await waitOnHost(h, `squeue -h -t all -j ${parentJob} -o %T`, /CANCELLED/, 20_000);
    const parentLog = (await h.run('cat ~/.trainyard/runs/hand.log')).stdout;
    const lastStep = Math.max(...[...parentLog.matchAll(/^step (\d+) loss/gm)].map((m) => Number(m[1])));

    const restarted = await runAction(
      config,
      fixture.conn,
      'restart',
      { ...target(), session: 'hand' },
      { dataDir: fixture.dataDir, assumeYes: true },
    );
    expect(restarted.verdict.outcome, restarted.text).toBe('ok');
    const child = JSON.parse((await h.run('cat ~/.trainyard/runs/hand-r1.json')).stdout);
    // a restart by hand keeps the automatic-restart budget where it was
    expect(child).toMatchObject({ session: 'hand-r1', parent: 'hand', restartCount: 0 });
    // the parent's own run directory, its newest checkpoint (saved every 5 steps)
    expect(child.resumedFrom).toMatch(/^\/\S+\/outputs\/hand\/checkpoint-\d+$/);
    const resumedStep = Number(/checkpoint-(\d+)$/.exec(child.resumedFrom)?.[1]);
    expect(resumedStep).toBeGreaterThan(lastStep - 5);
    expect(resumedStep).toBeLessThanOrEqual(lastStep);
    const childJob = await jobOf('hand-r1');
    expect(childJob).not.toBe(parentJob);
    await waitOnHost(h, `squeue -h -j ${childJob} -o '%T %j'`, /RUNNING hand-r1/, 30_000);
    const log = await waitOnHost(h, 'cat ~/.trainyard/runs/hand-r1.log', /resumed from/, 30_000);
    expect(log).toContain(`resumed from ${child.resumedFrom} at step`);
  });

  it('attach opens a shell inside the running job on its node (srun --overlap --pty)', {
    timeout: 90_000,
  }, async () => {
    const started = await launch('inside');
    expect(started.verdict.outcome, started.text).toBe('ok');
    const jobId = await jobOf('inside');
    await waitOnHost(h, `squeue -h -j ${jobId} -o %T`, /RUNNING/, 30_000);
    const backend = createSlurmBackend({ host: config.hosts[0] });
    const t = inTerminal(backend.attachCommand(config.sshConfig, h.alias, 'inside', 'here').argv);
    try {
      // a step of the job itself: Slurm's own variables say which job, and its GPU
      t.child.stdin.write('echo "in job $SLURM_JOB_ID gpus=$CUDA_VISIBLE_DEVICES"; exit\n');
      await waitFor(() => t.screen(), {
        until: (s) => /in job \d+ gpus=/.test(s),
        timeoutMs: 30_000,
        what: 'the shell',
      });
      expect(t.screen()).toContain(`in job ${jobId} gpus=`);
      expect(await t.exited).toBe(0);
      expect(t.screen()).not.toContain('showing the log');
    } finally {
      t.child.kill('SIGKILL');
    }
    // the job goes on after the shell leaves
    expect((await h.run(`squeue -h -j ${jobId} -o %T`)).stdout.trim()).toBe('RUNNING');
  });

  it('attach to a run whose job is not running shows its log instead', { timeout: 60_000 }, async () => {
    const backend = createSlurmBackend({ host: config.hosts[0] });
    // "hand" was stopped by the first test: no running job of that name
    const t = inTerminal(backend.attachCommand(config.sshConfig, h.alias, 'hand', 'here').argv);
    try {
      await waitFor(() => t.screen(), { until: (s) => /^step \d+ loss/m.test(s), timeoutMs: 30_000, what: 'the log' });
      expect(t.screen()).not.toContain('resumed from');
    } finally {
      t.child.kill('SIGTERM');
      await t.exited;
    }
  });
});
