/**
 * Stopping and restarting the tasks of a sweep's job array on a Slurm cluster: `sweep stop`
 * cancels the pending tasks (with --kill the running ones too) and their guards restart nothing,
 * `trainyard stop` of one pending task cancels only that task, attach opens a shell in a running
 * task's job, and a failed task is restarted by its own guard as a plain job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlurmBackend } from '../../src/backends/slurm/slurmBackend.js';
import type { Config } from '../../src/config/types.js';
import type { RemoteHost } from '../actions/helpers.js';
import { canRunSlurm } from '../harness/slurmCluster.js';
import { canRunTestHosts } from '../harness/testHosts.js';
import { inTerminal } from '../support/scriptTerminal.js';
import { waitFor } from '../support/waitFor.js';
import type { SlurmLab } from './slurmLab.js';
import { startSweepSlurmLab, sweepCommands } from './slurmSweepLab.js';

const can = canRunTestHosts().ok && canRunSlurm().ok;

describe.skipIf(!can)('stopping and restarting the tasks of a Slurm job array', () => {
  let lab: SlurmLab;
  let h: RemoteHost;
  let config: Config;
  const { cli, runsJson } = sweepCommands(() => lab);

  beforeAll(async () => {
    lab = await startSweepSlurmLab('ty-slurm-sweep-stop-');
    ({ h, config } = lab);
  }, 120_000);

  afterAll(async () => {
    await lab?.stop();
  });

  it('sweep stop cancels the pending tasks and lets the running one finish; --kill cancels it too', async () => {
    const r = await cli(
      'sweep',
      'sample',
      '--grid',
      'tag=x,y,z',
      '--param',
      'steps=100000',
      '--max-parallel',
      '1',
      '--name',
      'long',
      '--yes',
    );
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    const arrayJob = (await h.run('cat ~/.trainyard/runs/long-1.jobid')).stdout.trim().split('_')[0];
    await waitFor(() => h.run(`squeue -h -j ${arrayJob}_0 -o %T`), {
      until: (x) => x.stdout.trim() === 'RUNNING',
      timeoutMs: 30_000,
      intervalMs: 500,
      what: 'task 0 running',
      show: (x) => x.stdout,
    });
    const drain = await cli('sweep', 'stop', 'long', '--yes');
    expect(drain.exitCode, drain.stderr + drain.stdout).toBe(0);
    expect(drain.stdout).toContain('cancel pending array task long-2');
    expect(drain.stdout).toMatch(/sweep long draining: 2 queued run\(s\) dropped, 1 running to the end/);
    const states = (await h.run(`squeue -h -t all -j ${arrayJob} -o '%i %T'`)).stdout;
    expect(states).toContain(`${arrayJob}_0 RUNNING`);
    expect(states).not.toMatch(/PENDING/);
    expect((await h.run('ls ~/.trainyard/runs/long-2.stopped ~/.trainyard/runs/long-3.stopped')).code).toBe(0);

    const kill = await cli('sweep', 'stop', 'long', '--kill', '--yes');
    expect(kill.exitCode, kill.stderr + kill.stdout).toBe(0);
    expect(kill.stdout).toMatch(/sweep long stopped: 0 queued run\(s\) dropped, 1 stopped/);
    await waitFor(() => h.run(`squeue -h -t all -j ${arrayJob}_0 -o %T`), {
      until: (x) => x.stdout.trim() === 'CANCELLED',
      timeoutMs: 30_000,
      intervalMs: 500,
      what: 'task 0 cancelled',
      show: (x) => x.stdout,
    });
    // the guards of the cancelled tasks restart nothing and report no crash
    const events = 'cat ~/.trainyard/watchdog/*/events.jsonl 2>/dev/null';
    const ev = await waitFor(() => h.run(events), {
      until: (x) =>
        ['long-1', 'long-2', 'long-3'].every((id) =>
          x.stdout.includes(`"session":"${id}","project":"sample","kind":"restart-cancelled"`),
        ),
      timeoutMs: 60_000,
      intervalMs: 1000,
      what: 'restart-cancelled from the guards of long-1..3',
      show: (x) => x.stdout,
    });
    expect(ev.stdout).not.toMatch(/"session":"long-\d","project":"sample","kind":"crashed"/);
    // the Runs view follows at the next shared poll (one interval)
    const rows = await waitFor(() => runsJson('long'), {
      until: (x) => x.every((row) => row.state === 'stopped'),
      timeoutMs: 30_000,
      intervalMs: 1000,
      what: 'the Runs view to show long-1..3 stopped',
      show: (x) => JSON.stringify(x.map((row) => [row.id, row.state])),
    });
    expect(rows.map((x) => [x.id, x.state]).sort()).toEqual([
      ['long-1', 'stopped'],
      ['long-2', 'stopped'],
      ['long-3', 'stopped'],
    ]);
  }, 120_000);

  it('trainyard stop of one pending array task cancels that task only; attach to a running one is a shell in its job', async () => {
    const r = await cli(
      'sweep',
      'sample',
      '--grid',
      'tag=s,t,u',
      '--param',
      'steps=100000',
      '--max-parallel',
      '1',
      '--name',
      'one',
      '--yes',
    );
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    const arrayJob = (await h.run('cat ~/.trainyard/runs/one-1.jobid')).stdout.trim().split('_')[0];
    const stop = await cli('stop', h.alias, 'one-2', '--yes');
    expect(stop.exitCode, stop.stderr + stop.stdout).toBe(0);
    // -r: one line per task, pending ones too
    const queue = (await h.run(`squeue -h -r -j ${arrayJob} -o '%i %T'`)).stdout;
    expect(queue).not.toContain(`${arrayJob}_1 `);
    expect(queue).toContain(`${arrayJob}_2 PENDING`);
    expect((await h.run('ls ~/.trainyard/runs/one-2.stopped')).code).toBe(0);
    // attach: a shell inside the running task's own job
    await waitFor(() => h.run(`squeue -h -j ${arrayJob}_0 -o %T`), {
      until: (x) => x.stdout.trim() === 'RUNNING',
      timeoutMs: 30_000,
      intervalMs: 500,
      what: 'task 0 running',
      show: (x) => x.stdout,
    });
    const taskJob = (await h.run(`squeue -h -j ${arrayJob}_0 -o %A`)).stdout.trim();
    const backend = createSlurmBackend({ host: config.hosts[0] });
    const t = inTerminal(backend.attachCommand(config.sshConfig, h.alias, 'one-1', 'here').argv);
    try {
      t.child.stdin.write('echo "in job $SLURM_JOB_ID"; exit\n');
      await waitFor(async () => t.screen(), {
        until: (x) => /in job \d+/.test(x),
        timeoutMs: 30_000,
        what: 'the shell',
      });
      expect(t.screen()).toContain(`in job ${taskJob}`);
      expect(t.screen()).not.toContain('showing the log');
      expect(await t.exited).toBe(0);
    } finally {
      t.child.kill('SIGKILL');
    }
    const kill = await cli('sweep', 'stop', 'one', '--kill', '--yes');
    expect(kill.exitCode, kill.stderr + kill.stdout).toBe(0);
  }, 60_000);

  it('a failed task is restarted by its own guard as a plain job, named after its run', async () => {
    const r = await cli('sweep', 'sample', '--grid', 'tag=p,q', '--param', 'crash=3', '--name', 'crash', '--yes');
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    const ev = await waitFor(() => h.run('cat ~/.trainyard/watchdog/*/events.jsonl 2>/dev/null'), {
      until: (x) => /restarted as crash-1-r1/.test(x.stdout) && /restarted as crash-2-r1/.test(x.stdout),
      timeoutMs: 90_000,
      intervalMs: 1000,
      what: 'both tasks restarted by their guards',
      show: (x) => x.stdout,
    });
    const job = (await h.run('cat ~/.trainyard/runs/crash-2.jobid')).stdout.trim();
    expect(ev.stdout).toContain(
      `"session":"crash-2","project":"sample","kind":"crashed","level":"error","detail":"Slurm job ${job}: FAILED`,
    );
    const child = JSON.parse((await h.run('cat ~/.trainyard/runs/crash-2-r1.json')).stdout);
    expect(child).toMatchObject({ session: 'crash-2-r1', parent: 'crash-2', restartCount: 1, sweep: 'crash' });
    expect(child.params).toEqual({ crash: '3', steps: '30', tag: 'q' });
    // the child is a plain job of its own name, not an array task
    expect((await h.run('cat ~/.trainyard/runs/crash-2-r1.jobid')).stdout.trim()).toMatch(/^\d+$/);
    expect((await h.run('cat ~/.trainyard/runs/crash-2-r1.sbatch')).stdout).toContain('#SBATCH --job-name=crash-2-r1');
  }, 120_000);
});
