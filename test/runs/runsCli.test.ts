/**
 * `trainyard runs` against real hosts: runs launched with `trainyard launch` really run (real
 * sshd, tmux, rsync), and what `trainyard runs --json` says about them must match their logs.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runActionCli } from '../../src/cli/actions.js';
import { parseCliArgs } from '../../src/cli/args.js';
import { runRunsCli } from '../../src/cli/runs.js';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { classifyLine } from '../../src/logs/grammar.js';
import { copySampleProject, type RemoteHost, remoteHost, removeDir, tempDir, waitOnHost } from '../actions/helpers.js';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';
import { capturedIo } from '../support/capturedIo.js';
import { waitFor } from '../support/waitFor.js';

const can = canRunTestHosts();
const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'progress.py');

interface JsonRun {
  id: string;
  host: string;
  state: string;
  exitCode: number | null;
  progress: { kind: string; done: number; total: number; percent: number } | null;
  loss: { name: string; value: number } | null;
  runtimeSeconds: number | null;
  etaSeconds: number | null;
  wantGpus: number | null;
  sweep: string | null;
}

describe.skipIf(!can.ok)('trainyard runs on runs that really ran', () => {
  let lab: TestHosts;
  let h1: RemoteHost;
  let h2: RemoteHost;
  let work: string;
  let config: Config;
  const env = { ...process.env, TMUX: '' };

  async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const io = capturedIo();
    const { stdout, stderr, stdin } = io;
    const args = parseCliArgs(argv);
    const code =
      args.command === 'runs'
        ? await runRunsCli(config, args, stdout)
        : await runActionCli(config, args, {
            stdout,
            stderr,
            stdin,
            env: { ...env, XDG_DATA_HOME: path.join(work, 'data') },
          });
    return { code, ...io.written };
  }

  const runsJson = async () => {
    const r = await cli(['runs', '--json']);
    expect(r.code, r.stdout).toBe(0);
    return JSON.parse(r.stdout) as { summary: string; runs: JsonRun[]; errors: unknown[] };
  };

  beforeAll(async () => {
    lab = await startTestHosts({ count: 2, gpu: { mode: 'idle', count: 2 } });
    h1 = remoteHost(lab, lab.hosts[0]);
    h2 = remoteHost(lab, lab.hosts[1]);
    work = tempDir('ty-runs-');
    const local = copySampleProject(path.join(work, 'sample'));
    copyFileSync(FIXTURE, path.join(local, 'progress.py'));
    const project = (train: string) => ({ local, remote: '~/work/sample', train, gpus: '0' });
    const file = path.join(work, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        hosts: [h1.alias, h2.alias],
        sshConfig: lab.sshConfigPath,
        projects: {
          long: project('python3 progress.py 40 5 0.3'),
          bad: project('python3 progress.py 5 3 0.6 1'),
          short: project('python3 progress.py 2 3 0.3'),
        },
      }),
    );
    config = loadConfig(file);
    for (const [p, host] of [
      ['long', h1.alias],
      ['short', h2.alias],
    ]) {
      const sync = await cli(['sync', p, '--host', host, '--yes']);
      expect(sync.code, sync.stdout + sync.stderr).toBe(0);
    }
    for (const [p, host, session] of [
      ['long', h1.alias, 'long-1'],
      ['bad', h1.alias, 'bad-1'],
      ['short', h2.alias, 'short-1'],
    ]) {
      const r = await cli(['launch', p, '--host', host, '--session', session, '--yes']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
    // a run waiting in gpu-2's queue (the contract's layout: ~/.trainyard/queue/<machine>/<ms>-<id>/)
    const queued = JSON.stringify({
      session: 'short-q',
      project: 'short',
      host: h2.alias,
      remoteDir: `${h2.homeDir}/work/sample`,
      command: 'python3 progress.py 2 3 0.05',
      gpus: null,
      startedAt: '',
      configHash: 'q',
      sweep: 'sw',
      params: { lr: '0.1' },
      by: 'queue',
    });
    await h2.run(
      `d=~/.trainyard/queue/${lab.hosts[1].hostname}/1765000000000-short-q && mkdir -p $d && printf '%s\\n' '${queued}' > $d/manifest.json && echo 2 > $d/want`,
    );
    await waitOnHost(h2, 'cat ~/.trainyard/runs/short-1.exit', /^0/);
    await waitOnHost(h1, 'cat ~/.trainyard/runs/bad-1.exit', /^3/);
    await waitOnHost(h1, 'cat ~/.trainyard/runs/long-1.log', /epoch 1\/40 step 3\/5/);
  }, 120_000);

  afterAll(async () => {
    await h1?.run('tmux kill-server');
    await h2?.run('tmux kill-server');
    h1?.close();
    h2?.close();
    await lab?.stop();
    if (work) removeDir(work);
  });

  it('--json lists every run on every host with the state, progress and loss its log shows', async () => {
    const out = await runsJson();
    const byId = Object.fromEntries(out.runs.map((r) => [r.id, r]));
    expect(Object.keys(byId).sort()).toEqual(['bad-1', 'long-1', 'short-1', 'short-q']);
    expect(byId['long-1']).toMatchObject({ host: h1.alias, state: 'running' });
    expect(byId['bad-1']).toMatchObject({ host: h1.alias, state: 'crashed', exitCode: 3 });
    expect(byId['short-1']).toMatchObject({ host: h2.alias, state: 'finished', exitCode: 0 });
    expect(byId['short-q']).toMatchObject({ host: h2.alias, state: 'queued', wantGpus: 2, sweep: 'sw' });
    expect(out.summary).toBe('1 running · 1 queued · 1 crashed · 1 finished');
    expect(out.errors).toEqual([]);

    // the finished run: what its log's last lines say (the epoch line, then the last loss printed)
    const log = (await h2.run('cat ~/.trainyard/runs/short-1.log')).stdout.split('\n');
    const lastLoss = Number(/loss ([0-9.]+)$/.exec(log.filter((l) => / loss [0-9.]+$/.test(l)).at(-1)!)![1]);
    const lastEpoch = log
      .map((l) => classifyLine(l).progress)
      .filter((p) => p?.kind === 'epoch')
      .at(-1)!;
    expect(byId['short-1'].progress).toMatchObject({ kind: 'epoch', done: lastEpoch.done, total: lastEpoch.total });
    expect(byId['short-1'].progress?.percent).toBe(100);
    expect(byId['short-1'].loss).toEqual({ name: 'loss', value: lastLoss });
    expect(byId['short-1'].runtimeSeconds).toBeGreaterThanOrEqual(0);

    // the running one: somewhere in epoch 1..40 of 40, and an ETA once it has progress
    const long = byId['long-1'];
    expect(long.progress?.total).toBe(40);
    expect(long.progress?.done).toBeGreaterThanOrEqual(1);
    expect(long.loss?.name).toBe('loss');
    expect(long.etaSeconds).toBeGreaterThan(0);
  });

  it('prints the summary and a table for people, and --sweep keeps one sweep', async () => {
    const text = await cli(['runs']);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toBe('1 running · 1 queued · 1 crashed · 1 finished');
    expect(text.stdout).toMatch(/long-1\s*│\s*running\s*│\s*epoch \d+\/40 \d+%/);
    expect(text.stdout).toMatch(/bad-1\s*│\s*crashed 3/);
    expect(text.stdout).toMatch(/short-q\s*│\s*queued\s*│\s*│\s*gpu-2 \(wants 2\)/);
    const sweep = await cli(['runs', '--sweep', 'sw', '--json']);
    expect(JSON.parse(sweep.stdout).runs.map((r: JsonRun) => r.id)).toEqual(['short-q']);
  });

  it('a run the user stopped is "stopped"; a host that is down is an error beside the others', async () => {
    const stop = await cli(['stop', h1.alias, 'long-1', '--yes']);
    expect(stop.code, stop.stdout).toBe(0);
    const after = await waitFor(runsJson, {
      until: (o) => o.runs.find((r) => r.id === 'long-1')?.state === 'stopped',
      timeoutMs: 15_000,
      what: 'long-1 stopped',
      show: (o) => JSON.stringify(o.runs),
    });
    expect(after.summary).toBe('1 queued · 1 crashed · 1 stopped · 1 finished');
    await lab.host(h2.alias).stopSshd();
    try {
      const r = await cli(['runs', '--json', '--timeout', '5']);
      expect(r.code).toBe(1);
      const out = JSON.parse(r.stdout);
      expect(out.runs.map((x: JsonRun) => x.host)).not.toContain(h2.alias);
      expect(out.errors).toEqual([
        { host: h2.alias, error: expect.stringMatching(/refused|unreachable|not connected/) },
      ]);
    } finally {
      await lab.host(h2.alias).startSshd();
    }
  });
});
