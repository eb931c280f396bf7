/**
 * `trainyard sweep` against real sshd hosts, as a user runs it (the CLI): two hosts with 2 and 1
 * free GPUs (fake nvidia-smi), a 6-run sweep of a short script from the sample project that
 * records its host, CUDA_VISIBLE_DEVICES and start/end times in the host's home.
 */
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '../actions/helpers.js';
import { TmuxTerminal } from '../e2e/terminal.js';
import { canRunTestHosts, startTestHosts, type TestHost, type TestHosts } from '../harness/testHosts.js';
import { waitFor } from '../support/waitFor.js';
import { BIN, intervals, maxConcurrent, RUNNER, writeSweepyProject } from './sweepLab.js';

const can = canRunTestHosts();

describe.skipIf(!can.ok)('trainyard sweep on real hosts', () => {
  let lab: TestHosts;
  let work: string;
  let configFile: string;
  let env: NodeJS.ProcessEnv;
  let g1: TestHost;
  let g2: TestHost;

  const cli = (...args: string[]) =>
    execa('node', [BIN, ...args, '--config', configFile], { env, reject: false, timeout: 90_000 });
  const queued = async (h: TestHost) =>
    (await h.run('ls -1 ~/.trainyard/queue/*/ 2>/dev/null | grep -v "^\\." || true')).stdout
      .split('\n')
      .filter((l) => /^\d{13}-/.test(l));

  beforeAll(async () => {
    work = tempDir('ty-sweep-');
    lab = await startTestHosts({ count: 2, gpu: [{ count: 2 }, { count: 1 }] });
    [g1, g2] = lab.hosts;
    configFile = writeSweepyProject(work, lab);
    env = { ...process.env, XDG_DATA_HOME: path.join(work, 'data'), TMUX: '' };
    for (const h of lab.hosts) {
      const r = await cli('sync', 'sweepy', '--host', h.alias, '--yes');
      if (r.exitCode !== 0) throw new Error(`sync to ${h.alias} failed:\n${r.stdout}\n${r.stderr}`);
    }
  }, 120_000);

  afterAll(async () => {
    await lab?.stop();
    if (work) removeDir(work);
  });

  it('a foreign compute process keeps its GPU out of the placement', async () => {
    g1.setGpu({ count: 2, apps: [0] });
    try {
      const r = await cli(
        'sweep',
        'sweepy',
        '--grid',
        'lr=7,8',
        '--param',
        'seed=9',
        '--hosts',
        'gpu-1',
        '--name',
        'foreign',
        '--dry-run',
      );
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout, `${r.stdout}\n${r.stderr}`).toMatch(/start now +foreign-1 on gpu-1 GPU 1: lr=7 seed=9/);
      expect(r.stdout, `${r.stdout}\n${r.stderr}`).toMatch(/queue +foreign-2 on gpu-1: lr=8 seed=9/);
      expect(r.stdout, `${r.stdout}\n${r.stderr}`).not.toMatch(/GPU 0/);
    } finally {
      g1.setGpu({ count: 2 });
    }
  });

  it('a 6-run sweep starts 3 on the 3 free GPUs and queues 3, spread by GPU count; a dry run showed the same plan', async () => {
    const dry = await cli('sweep', 'sweepy', '--grid', 'lr=1,2', '--grid', 'seed=1,2,3', '--name', 'grid', '--dry-run');
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout, `${dry.stdout}\n${dry.stderr}`).toMatch(/start now +grid-1 on gpu-1 GPU 0: lr=1 seed=1/);
    expect(dry.stdout, `${dry.stdout}\n${dry.stderr}`).toMatch(/start now +grid-2 on gpu-1 GPU 1: lr=1 seed=2/);
    expect(dry.stdout, `${dry.stdout}\n${dry.stderr}`).toMatch(/start now +grid-3 on gpu-2 GPU 0: lr=1 seed=3/);
    expect(dry.stdout, `${dry.stdout}\n${dry.stderr}`).toMatch(/queue +grid-6 on gpu-2: lr=2 seed=3/);
    expect(dry.stdout, `${dry.stdout}\n${dry.stderr}`).toMatch(/trainyard-queue-write/);
    expect(await queued(g1)).toEqual([]);

    const r = await cli('sweep', 'sweepy', '--grid', 'lr=1,2', '--grid', 'seed=1,2,3', '--name', 'grid', '--yes');
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout, `${r.stdout}\n${r.stderr}`).toMatch(/ok: sweep grid: started 3, queued 3/);
    expect((await queued(g1)).map((e) => e.replace(/^\d+-/, ''))).toEqual(['grid-4', 'grid-5']);
    expect((await queued(g2)).map((e) => e.replace(/^\d+-/, ''))).toEqual(['grid-6']);
    const manifest = JSON.parse((await g1.run('cat ~/.trainyard/runs/grid-1.json')).stdout);
    expect(manifest).toMatchObject({ sweep: 'grid', params: { lr: '1', seed: '1', secs: '3' }, gpus: '0' });
  });

  it('resubmitting the same grid skips all 6 as duplicates, under any sweep name', async () => {
    const r = await cli('sweep', 'sweepy', '--grid', 'lr=1,2', '--grid', 'seed=1,2,3', '--yes');
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout, `${r.stdout}\n${r.stderr}`).toMatch(/nothing to start .*6 skipped: already ran or queued/);
    expect(await queued(g1)).toHaveLength(2);
  });

  it.skipIf(!RUNNER)(
    'the watchdogs start the queued runs as GPUs free: all 6 finish, never more than 3 at once, never two on one GPU',
    async () => {
      for (const h of lab.hosts) {
        const w = await cli('watchdog', 'install', h.alias, '--interval', '1', '--yes');
        expect(w.exitCode, `${w.stdout}\n${w.stderr}`).toBe(0);
      }
      const records = async () =>
        Promise.all(lab.hosts.map(async (h) => (await h.run('cat ~/sweep-record.txt 2>/dev/null || true')).stdout));
      const texts = await waitFor(records, {
        until: (t) => intervals(t).filter((i) => i.run.startsWith('grid-')).length === 6,
        timeoutMs: 60_000,
        intervalMs: 500,
        what: 'all 6 grid runs to end',
      });
      const grid = intervals(texts).filter((i) => i.run.startsWith('grid-'));
      expect(new Set(grid.map((i) => i.run)).size).toBe(6);
      expect(maxConcurrent(grid)).toBeLessThanOrEqual(3);
      for (const a of grid) {
        expect(a.gpu, `${a.run} got one GPU`).toMatch(/^\d$/);
        for (const b of grid)
          if (a !== b && a.host === b.host && a.gpu === b.gpu)
            expect(
              a.end <= b.start || b.end <= a.start,
              `${a.run} and ${b.run} overlap on ${a.host} GPU ${a.gpu}`,
            ).toBe(true);
      }
      expect(await queued(g1)).toEqual([]);
      expect(await queued(g2)).toEqual([]);
    },
    90_000,
  );

  it.skipIf(!RUNNER)(
    '--max-parallel 2 over both hosts holds with the laptop gone: each watchdog keeps to its share, all 5 finish',
    async () => {
      for (const h of lab.hosts) {
        const w = await cli('watchdog', 'install', h.alias, '--interval', '1', '--yes');
        expect(w.exitCode, `${w.stdout}\n${w.stderr}`).toBe(0);
      }
      const args = ['sweep', 'sweepy', '--grid', 'lr=21,22,23,24,25', '--param', 'seed=1', '--param', 'secs=2'];
      const r = await cli(...args, '--hosts', 'gpu-2,gpu-1', '--max-parallel', '2', '--name', 'capped', '--yes');
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
      // 3 GPUs free, but 2 at once: one on each host, and each host's share is 1
      expect(r.stdout, `${r.stdout}\n${r.stderr}`).toMatch(/started 2, queued 3/);
      expect(r.stdout, `${r.stdout}\n${r.stderr}`).toMatch(/at once +gpu-2 1, gpu-1 1/);
      const shares = JSON.parse((await g1.run('cat ~/.trainyard/sweeps/capped/sweep.json')).stdout).maxParallelOn;
      expect(Object.values(shares)).toEqual([1, 1]);
      const records = async () =>
        Promise.all(lab.hosts.map(async (h) => (await h.run('cat ~/sweep-record.txt 2>/dev/null || true')).stdout));
      const texts = await waitFor(records, {
        until: (t) => intervals(t).filter((i) => i.run.startsWith('capped-')).length === 5,
        timeoutMs: 60_000,
        intervalMs: 500,
        what: 'all 5 capped runs to end',
      });
      const capped = intervals(texts).filter((i) => i.run.startsWith('capped-'));
      expect(maxConcurrent(capped)).toBe(2);
      expect(new Set(capped.map((i) => i.host)).size).toBe(2);
    },
    90_000,
  );

  it('sweep stop drains: queued runs dropped, the running one finishes; --kill stops it', async () => {
    g1.setGpu({ count: 2, apps: [0, 1] });
    try {
      const r = await cli(
        'sweep',
        'sweepy',
        '--grid',
        'lr=11,12,13',
        '--param',
        'seed=1',
        '--param',
        'secs=60',
        '--hosts',
        'gpu-2,gpu-1',
        '--name',
        'drain',
        '--yes',
      );
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout, `${r.stdout}\n${r.stderr}`).toMatch(/started 1, queued 2/);
      const before = [...(await queued(g1)), ...(await queued(g2))].filter(
        (e) => e.endsWith('-drain-2') || e.endsWith('-drain-3'),
      );
      expect(before).toHaveLength(2);

      const stop = await cli('sweep', 'stop', 'drain', '--yes');
      expect(stop.exitCode, `${stop.stdout}\n${stop.stderr}`).toBe(0);
      expect(stop.stdout, `${stop.stdout}\n${stop.stderr}`).toMatch(
        /sweep drain draining: [0-2] queued run\(s\) dropped, 1 running to the end/,
      );
      expect([...(await queued(g1)), ...(await queued(g2))].filter((e) => /-drain-/.test(e))).toEqual([]);
      for (const h of lab.hosts)
        expect((await h.run('test -e ~/.trainyard/sweeps/drain/stopped && echo yes')).stdout).toMatch(/yes/);
      expect((await g2.run("tmux list-panes -t '=drain-1' -F '#{pane_dead}'")).stdout.trim()).toBe('0');

      const kill = await cli('sweep', 'stop', 'drain', '--kill', '--yes');
      expect(kill.exitCode, `${kill.stdout}\n${kill.stderr}`).toBe(0);
      expect(kill.stdout, `${kill.stdout}\n${kill.stderr}`).toMatch(
        /sweep drain stopped: 0 queued run\(s\) dropped, 1 stopped/,
      );
      expect((await g2.run('test -e ~/.trainyard/runs/drain-1.stopped && echo yes')).stdout).toMatch(/yes/);
    } finally {
      g1.setGpu({ count: 2 });
    }
  });

  it('rebalancing moves a queued run from a host whose GPUs stay busy to a host with a free GPU', async () => {
    // the grid's queued runs (if the watchdogs have not run them) would take gpu-2's free GPU first
    const drained = await cli('sweep', 'stop', 'grid', '--yes');
    expect(drained.exitCode, `${drained.stdout}\n${drained.stderr}`).toBe(0);
    g1.setGpu({ count: 2, apps: [0, 1] });
    g2.setGpu({ count: 1, apps: [0] });
    try {
      const r = await cli(
        'sweep',
        'sweepy',
        '--grid',
        'lr=21,22',
        '--param',
        'seed=1',
        '--param',
        'secs=1',
        '--name',
        'move',
        '--yes',
      );
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout, `${r.stdout}\n${r.stderr}`).toMatch(/started 0, queued 2/);
      expect((await queued(g1)).filter((e) => /-move-/.test(e))).toHaveLength(2);

      g2.setGpu({ count: 1 });
      const b = await cli('sweep', 'rebalance');
      expect(b.exitCode, `${b.stdout}\n${b.stderr}`).toBe(0);
      expect(b.stdout, `${b.stdout}\n${b.stderr}`).toMatch(/1 queued run\(s\) moved\n {2}move-1: gpu-1 → gpu-2/);
      expect((await queued(g1)).filter((e) => /-move-/.test(e)).map((e) => e.replace(/^\d+-/, ''))).toEqual(['move-2']);
      // on gpu-2 it waits in the queue, or its watchdog has started it already
      const there = await g2.run('ls ~/.trainyard/queue/*/ ~/.trainyard/runs/ 2>/dev/null');
      expect(there.stdout, `${there.stdout}\n${there.stderr}`).toMatch(/-move-1\b|move-1\.json/);

      const list = await cli('sweep', 'list', '--json');
      expect(list.exitCode, list.stderr).toBe(0);
      const sweeps = JSON.parse(list.stdout).sweeps as {
        name: string;
        queued: number;
        running: number;
        finished: number;
        stopped: boolean;
      }[];
      // list rebalances too, and 1-second runs may all have ended by now: none of the two is lost on the way
      const move = sweeps.find((w) => w.name === 'move');
      expect((move?.queued ?? 0) + (move?.running ?? 0) + (move?.finished ?? 0), JSON.stringify(move)).toBe(2);
      expect(sweeps.find((w) => w.name === 'drain')).toMatchObject({ stopped: true, queued: 0, running: 0 });
    } finally {
      g1.setGpu({ count: 2 });
      g2.setGpu({ count: 1 });
    }
  });
  it('the cockpit, left open, moves a queued run off a busy host to a free GPU by itself', async () => {
    // the last test's queued run (if gpu-1's watchdog has not run it) would take gpu-2's GPU first
    const drained = await cli('sweep', 'stop', 'move', '--yes');
    expect(drained.exitCode, `${drained.stdout}\n${drained.stderr}`).toBe(0);
    g1.setGpu({ count: 2, apps: [0, 1] });
    g2.setGpu({ count: 1, apps: [0] });
    const term = new TmuxTerminal(120, 40);
    try {
      const r = await cli(
        ...['sweep', 'sweepy', '--grid', 'lr=31', '--param', 'seed=1', '--param', 'secs=1'],
        '--hosts',
        'gpu-1',
        '--name',
        'auto',
        '--yes',
      );
      expect(r.stdout, `${r.stdout}\n${r.stderr}`).toMatch(/started 0, queued 1/);
      g2.setGpu({ count: 1 });
      term.start(`node ${BIN} --config ${configFile}`, { PATH: process.env.PATH!, XDG_DATA_HOME: env.XDG_DATA_HOME! });
      await term.waitFor((x) => /2 connected/.test(x), 30_000, 'the cockpit connected');
      // on gpu-2 it waits in the queue, or its watchdog has started it already
      await waitFor(() => g2.run('ls ~/.trainyard/queue/*/ ~/.trainyard/runs/ 2>/dev/null'), {
        until: (r) => /-auto-1\b|auto-1\.json/.test(r.stdout),
        timeoutMs: 40_000,
        intervalMs: 500,
        what: 'auto-1 moved to gpu-2',
      });
      expect((await queued(g1)).filter((e) => /-auto-1$/.test(e))).toEqual([]);
      term.send('q');
      await term.waitFor((x) => /\[exit 0\]/.test(x), 10_000, 'exit 0');
    } finally {
      term.stop();
      g1.setGpu({ count: 2 });
      g2.setGpu({ count: 1 });
    }
  });
});
