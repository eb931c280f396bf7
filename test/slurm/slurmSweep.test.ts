/**
 * A sweep on a Slurm cluster is one job array: %2 caps how many tasks run at once on a node
 * that would run all four, each task is a run (trainyard runs, its own log), resubmitting
 * submits only what did not run, and a hostile parameter value stays data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSessionLog } from '../../src/logs/sessionLog.js';
import type { ActionLab, RemoteHost } from '../actions/helpers.js';
import { canRunSlurm, type SlurmCluster } from '../harness/slurmCluster.js';
import { canRunTestHosts } from '../harness/testHosts.js';
import { waitFor } from '../support/waitFor.js';
import type { SlurmLab } from './slurmLab.js';
import { maxOverlap, startSweepSlurmLab, sweepCommands } from './slurmSweepLab.js';

const can = canRunTestHosts().ok && canRunSlurm().ok;

describe.skipIf(!can)('a sweep on a Slurm cluster is one job array', () => {
  let lab: SlurmLab;
  let fixture: ActionLab;
  let cluster: SlurmCluster;
  let h: RemoteHost;
  const { cli, runsJson, exitsOf } = sweepCommands(() => lab);

  beforeAll(async () => {
    lab = await startSweepSlurmLab('ty-slurm-sweep-');
    ({ fixture, cluster, h } = lab);
  }, 120_000);

  afterAll(async () => {
    await lab?.stop();
  });

  const grid = ['grid-1', 'grid-2', 'grid-3', 'grid-4'];

  it('--dry-run shows the array and every command, and submits nothing', async () => {
    const r = await cli('sweep', 'sample', '--grid', 'tag=a,b', '--max-parallel', '1', '--name', 'dry', '--dry-run');
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('as one Slurm job array --array=0-1%1');
    expect(r.stdout).toContain('#SBATCH --array=0-1%1');
    expect(r.stdout).toContain('ok: sweep dry: would submit 2 run(s) as one job array --array=0-1%1');
    expect((await h.run('ls ~/.trainyard/runs/ | grep -c "^dry-" || true')).stdout.trim()).toBe('0');
    expect((await cluster.admin(['squeue', '-h', '-t', 'all', '-o', '%i'])).stdout.trim()).toBe('');
  }, 60_000);

  it('submits 4 tasks as --array=0-3%2; trainyard runs --json lists the 4 with their states', async () => {
    const r = await cli('sweep', 'sample', '--grid', 'tag=a,b,c,d', '--max-parallel', '2', '--name', 'grid', '--yes');
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('as one Slurm job array --array=0-3%2');
    expect(r.stdout).toMatch(/ok: sweep grid: submitted 4 run\(s\) as Slurm job array \d+/);
    const job = (await h.run('cat ~/.trainyard/runs/grid-1.jobid')).stdout.trim();
    expect(job).toMatch(/^\d+_0$/);
    const rows = await runsJson('grid');
    expect(rows.map((x) => x.id).sort()).toEqual(grid);
    // pending tasks are queued, started ones running (or already done on a fast machine)
    // tasks 2 and 3 wait while 0 and 1 run (6 s each): queued until Slurm starts them
    for (const row of rows) expect(['queued', 'running']).toContain(row.state);
    expect(rows.filter((x) => x.state === 'running').length).toBeLessThanOrEqual(2);
    expect(rows.find((x) => x.id === 'grid-4')?.state).toBe('queued');
    expect(rows.find((x) => x.id === 'grid-3')?.params).toEqual({ crash: '0', steps: '30', tag: 'c' });
  }, 60_000);

  it('a 4-task array with %2 never runs more than two, and two did run at once', async () => {
    const done = await waitFor(() => exitsOf(grid), {
      until: (x) => x.stdout.trim().split('\n').length === 4,
      timeoutMs: 120_000,
      intervalMs: 1000,
      what: 'the 4 tasks to end',
      show: (x) => x.stdout,
    });
    expect(done.stdout.trim().split('\n').sort()).toEqual(grid.map((g) => `${g} 0`));
    const intervals: [number, number][] = [];
    for (const id of grid) {
      const log = (await h.run(`cat ~/.trainyard/runs/${id}.log`)).stdout;
      const start = Number(/^start (\S+)$/m.exec(log)?.[1]);
      const end = Number(/^end (\S+)$/m.exec(log)?.[1]);
      expect(end).toBeGreaterThan(start);
      intervals.push([start, end]);
    }
    expect(maxOverlap(intervals)).toBe(2);
    const rows = await runsJson('grid');
    expect(rows.map((x) => [x.id, x.state, x.exitCode]).sort()).toEqual(grid.map((g) => [g, 'finished', 0]));
  }, 150_000);

  it("the log of an array task: the cockpit's log of task 2 is that task's own output, not task 1's", async () => {
    const opened = await openSessionLog(fixture.conn, 'grid-3', { host: h.alias, tail: { flushMs: 10 } });
    if (!('tail' in opened)) throw new Error(opened.error);
    try {
      const lines = await waitFor(async () => opened.tail.lines.slice(0, 1000), {
        until: (l) => l.some((x) => /^end /.test(x)),
        timeoutMs: 20_000,
        intervalMs: 200,
        what: "task 2's log",
        show: (l) => l.join('\n'),
      });
      expect(opened.file).toMatch(/\/\.trainyard\/runs\/grid-3\.log$/);
      expect(lines.join('\n')).toContain('tag="c"');
      expect(lines.join('\n')).not.toContain('tag="b"');
    } finally {
      opened.close();
    }
    // Slurm's own output of the task is the %A_%a file beside the array's script
    const job = (await h.run('cat ~/.trainyard/runs/grid-3.jobid')).stdout.trim();
    expect((await h.run(`ls ~/.trainyard/runs/arrays/`)).stdout).toContain(`grid-1-${job}.out`);
  }, 30_000);

  it('resubmitting the same sweep submits nothing; a partial overlap submits the missing indices only', async () => {
    const before = (await cluster.admin(['squeue', '-h', '-t', 'all', '-o', '%i'])).stdout.trim().split('\n').length;
    const again = await cli(
      'sweep',
      'sample',
      '--grid',
      'tag=a,b,c,d',
      '--max-parallel',
      '2',
      '--name',
      'grid',
      '--yes',
    );
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('nothing to start for sweep grid: 4 skipped: already ran or queued (4 ran)');
    expect((await cluster.admin(['squeue', '-h', '-t', 'all', '-o', '%i'])).stdout.trim().split('\n').length).toBe(
      before,
    );
    const partial = await cli(
      'sweep',
      'sample',
      '--grid',
      'tag=a,e,c,f',
      '--max-parallel',
      '2',
      '--name',
      'grid',
      '--yes',
    );
    expect(partial.exitCode, partial.stderr).toBe(0);
    expect(partial.stdout).toContain('--array=1,3%2');
    expect(partial.stdout).toMatch(/task 1 {2}grid-5: tag=e/);
    expect(partial.stdout).toMatch(/task 3 {2}grid-6: tag=f/);
    expect(partial.stdout).toContain('2 skipped');
    expect((await h.run('cat ~/.trainyard/runs/grid-5.jobid ~/.trainyard/runs/grid-6.jobid')).stdout).toMatch(
      /^\d+_1\n\d+_3\n$/,
    );
    await waitFor(() => exitsOf(['grid-5', 'grid-6']), {
      until: (x) => x.stdout.trim().split('\n').length === 2,
      timeoutMs: 90_000,
      intervalMs: 1000,
      what: 'tasks 1 and 3 to end',
      show: (x) => x.stdout,
    });
    expect((await h.run('cat ~/.trainyard/runs/grid-6.log')).stdout).toContain('tag="f"');
    const list = await cli('sweep', 'list');
    expect(list.exitCode, list.stderr).toBe(0);
    expect(list.stdout).toContain(`grid (sample): 0 running, 0 queued, 6 done on ${h.alias}`);
  }, 120_000);

  it('a hostile parameter value runs nothing: $(touch canary) reaches the program as text', async () => {
    const r = await cli('sweep', 'sample', '--grid', 'tag=$(touch canary)', '--name', 'hostile', '--yes');
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    await waitFor(() => exitsOf(['hostile-1']), {
      until: (x) => x.stdout.trim() === 'hostile-1 0',
      timeoutMs: 60_000,
      intervalMs: 1000,
      what: 'the hostile task to end',
      show: (x) => x.stdout,
    });
    expect((await h.run('cat ~/.trainyard/runs/hostile-1.log')).stdout).toContain('tag="$(touch canary)"');
    expect((await h.run('find ~ /tmp -name canary 2>/dev/null | head')).stdout).toBe('');
  }, 90_000);
});
