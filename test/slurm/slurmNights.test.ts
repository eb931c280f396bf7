/**
 * Nights on a Slurm cluster: a job that hits its 1-minute limit (TIMEOUT) becomes the watchdog's
 * "crashed" event, and its guard job (--dependency=afternotok) resubmits it from the newest
 * checkpoint as a child run naming its parent — nothing of trainyard runs meanwhile. Stopping the
 * child cancels its job and its guard restarts nothing.
 */
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { type ActionLab, type RemoteHost, runAction, sampleProject, waitOnHost } from '../actions/helpers.js';
import { canRunSlurm } from '../harness/slurmCluster.js';
import { canRunTestHosts } from '../harness/testHosts.js';
import { type SlurmLab, startSlurmLab } from './slurmLab.js';

const can = canRunTestHosts().ok && canRunSlurm().ok;
const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');

describe.skipIf(!can)('Slurm nights: TIMEOUT → event → restart from the newest checkpoint', () => {
  let lab: SlurmLab;
  let fixture: ActionLab;
  let h: RemoteHost;
  let config: Config;
  let configFile: string;
  const events = 'cat ~/.trainyard/watchdog/*/events.jsonl 2>/dev/null';

  beforeAll(async () => {
    lab = await startSlurmLab({
      prefix: 'ty-slurm-night-',
      projects: (local) => ({
        sample: sampleProject(local, {
          train: 'python3 train.py --output {run_dir} --steps 100000 --save-every 5 --step-seconds 0.1',
          autoRestart: { enabled: true, max: 2 },
          slurm: { time: '1' },
        }),
      }),
    });
    ({ fixture, h, config, configFile } = lab);
  });

  afterAll(async () => {
    await lab?.stop();
  });

  it('launch → running → TIMEOUT → crashed event → child job resumed from the newest checkpoint', {
    timeout: 200_000,
  }, async () => {
    const launch = await runAction(
      config,
      fixture.conn,
      'launch',
      { host: h.alias, project: 'sample', params: { session: 'night', gpus: 'least-used', verifyMs: 0 } },
      { dataDir: fixture.dataDir },
    );
    expect(launch.verdict.outcome, launch.text).toBe('ok');
    const job = (await h.run('cat ~/.trainyard/runs/night.jobid')).stdout.trim();
    // the guard waits on the run's job
    const guard = await waitOnHost(h, "squeue -h -n night-guard -o '%T %r %E'", /PENDING/, 20_000);
    expect(guard).toContain(`afternotok:${job}`);
    await waitOnHost(h, `squeue -h -j ${job} -o %T`, /RUNNING/, 20_000);

    const ev = await waitOnHost(h, events, /"kind":"restarted"/, 170_000);
    expect((await h.run(`squeue -h -t all -j ${job} -o %T`)).stdout.trim()).toBe('TIMEOUT');
    const lines = ev
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ session: 'night', project: 'sample', kind: 'crashed', level: 'error' });
    expect(lines[0].detail).toBe(`Slurm job ${job}: TIMEOUT (it reached its time limit)`);
    const restarted = lines.find((l) => l.kind === 'restarted');
    expect(restarted.detail).toMatch(
      /^restarted as night-r1 from \/\S+\/outputs\/night\/checkpoint-\d+ \(1 of 2\), Slurm job \d+$/,
    );

    const child = JSON.parse((await h.run('cat ~/.trainyard/runs/night-r1.json')).stdout);
    expect(child).toMatchObject({ session: 'night-r1', parent: 'night', restartCount: 1, restartedBy: 'watchdog' });
    expect(child.resumedFrom).toMatch(/^\/\S+\/outputs\/night\/checkpoint-\d+$/);
    // the newest checkpoint the parent wrote (it saves every 5 steps; the child writes more at once)
    const parentLog = (await h.run('cat ~/.trainyard/runs/night.log')).stdout;
    const lastStep = Math.max(...[...parentLog.matchAll(/^step (\d+) loss/gm)].map((m) => Number(m[1])));
    const resumedStep = Number(/checkpoint-(\d+)$/.exec(child.resumedFrom)?.[1]);
    expect(resumedStep).toBeGreaterThan(lastStep - 5);
    expect(resumedStep).toBeLessThanOrEqual(lastStep);
    const newest = child.resumedFrom;
    const childJob = (await h.run('cat ~/.trainyard/runs/night-r1.jobid')).stdout.trim();
    await waitOnHost(h, `squeue -h -j ${childJob} -o '%T %j'`, /RUNNING night-r1/, 30_000);
    const log = await waitOnHost(h, 'cat ~/.trainyard/runs/night-r1.log', /resumed from/, 30_000);
    expect(log).toContain(`resumed from ${newest} at step`);

    // the same events through trainyard events
    const cli = await execa('node', [BIN, 'events', '--json', '--config', configFile], { reject: false });
    const kinds = JSON.parse(cli.stdout).events.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(['crashed', 'restarted']);
  });

  it('stop on the child: scancel, and its guard restarts nothing (restart-cancelled)', {
    timeout: 60_000,
  }, async () => {
    const stop = await runAction(
      config,
      fixture.conn,
      'stop',
      { host: h.alias, project: 'sample', session: 'night-r1' },
      {
        dataDir: fixture.dataDir,
        assumeYes: true,
      },
    );
    expect(stop.verdict.outcome, stop.text).toBe('ok');
    const ev = await waitOnHost(h, events, /"kind":"restart-cancelled"/, 40_000);
    expect(ev).not.toMatch(/night-r2/);
    expect((await h.run('ls ~/.trainyard/runs/ | grep -c "^night-r2" || true')).stdout.trim()).toBe('0');
  });
});
