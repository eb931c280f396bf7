/**
 * Every run its own directory, on a real host: two runs of one project never share a file; a
 * restart of run A resumes from A's newest checkpoint although sibling B has a newer and higher
 * one (the restart by the user and the watchdog's automatic one); pull --run brings only that
 * run's directory; parameters reach the program as {name} arguments and TRAINYARD_PARAMS.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import type { RunManifest } from '../../src/runs/layout.js';
import type { SshConnection } from '../../src/ssh/connection.js';
import { installWatchdog } from '../../src/watchdog/operations.js';
import { canRunTestHosts } from '../harness/testHosts.js';
import { waitForEvents } from '../watchdog/helpers.js';
import { type ActionLab, type RemoteHost, runAction, sampleProject, startActionLab, waitOnHost } from './helpers.js';

const can = canRunTestHosts();
const REMOTE = '/home/tytest/work/sample';
const TRAIN =
  'python3 train.py --output {run_dir} --steps {steps} --crash-at {crash} --save-every 5 --step-seconds {dt} --show-run --tag {lr}';
const PARAMS = { steps: '30', crash: '0', dt: '0.03', lr: '1e-3' };

describe.skipIf(!can.ok)('run directories on a real host', () => {
  let fixture: ActionLab;
  let h: RemoteHost;
  let config: Config;
  let conn: SshConnection;
  let local: string;
  let dataDir: string;

  beforeAll(async () => {
    fixture = await startActionLab({
      prefix: 'ty-rundir-',
      projects: (dir) => ({
        sample: sampleProject(dir, { train: TRAIN, params: PARAMS }),
        // the same code, restarted by the watchdog
        auto: sampleProject(dir, {
          train: TRAIN,
          params: PARAMS,
          autoRestart: { enabled: true, max: 1, backoffSeconds: 0 },
        }),
      }),
    });
    ({ h, config, conn, local, dataDir } = fixture);
    const sync = await runAction(config, conn, 'sync', { host: h.alias, project: 'sample' }, { dataDir });
    expect(sync.verdict.outcome, sync.text).toBe('ok');
  }, 60_000);

  afterAll(() => fixture?.stop());

  const launch = async (project: string, session: string, runParams: Record<string, string>) => {
    const r = await runAction(
      config,
      conn,
      'launch',
      { host: h.alias, project, params: { session, gpus: 'all', verifyMs: 0, runParams } },
      { dataDir },
    );
    expect(r.verdict.outcome, r.text).toBe('ok');
    return r;
  };
  const manifest = async (session: string) =>
    JSON.parse((await h.run(`cat ~/.trainyard/runs/${session}.json`)).stdout) as RunManifest;
  const log = async (session: string) => (await h.run(`cat ~/.trainyard/runs/${session}.log`)).stdout;
  const ls = async (dir: string) => (await h.run(`ls -A ${dir}`)).stdout.split('\n').filter(Boolean).sort();

  it('two runs never share files; a restart resumes from its own run only; pull --run brings only that run', async () => {
    // A crashes at step 13 (checkpoints 5 and 10); B, launched after, runs 40 steps: a newer and higher checkpoint-40
    await launch('sample', 'run-a', { crash: '13' });
    await waitOnHost(h, 'cat ~/.trainyard/runs/run-a.exit 2>/dev/null', /^1$/m);
    await launch('sample', 'run-b', { steps: '40', lr: '3e-4' });
    await waitOnHost(h, 'cat ~/.trainyard/runs/run-b.exit 2>/dev/null', /^0$/m, 30_000);

    expect(await ls(`${REMOTE}/outputs`)).toEqual(['run-a', 'run-b']);
    expect(await ls(`${REMOTE}/outputs/run-a`)).toEqual(['checkpoint-10', 'checkpoint-5', 'metrics.jsonl']);
    expect(await ls(`${REMOTE}/outputs/run-b`)).toEqual([
      'checkpoint-10',
      'checkpoint-15',
      'checkpoint-20',
      'checkpoint-25',
      'checkpoint-30',
      'checkpoint-35',
      'checkpoint-40',
      'checkpoint-5',
      'final.json',
      'metrics.jsonl',
      'model.pt',
    ]);
    const steps = async (run: string) =>
      (await h.run(`cat ${REMOTE}/outputs/${run}/metrics.jsonl`)).stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { step: number }).step);
    expect(await steps('run-a')).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await steps('run-b')).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));

    // the parameters reached the program: as {lr} and as TRAINYARD_PARAMS, with the run's id and directory
    const logA = await log('run-a');
    expect(logA).toContain('tag="1e-3"\n');
    expect(logA).toContain('params={"crash":"13","dt":"0.03","lr":"1e-3","steps":"30"}\n');
    expect(logA).toContain(`run_dir=${REMOTE}/outputs/run-a\nrun=run-a\n`);
    expect(await log('run-b')).toContain('tag="3e-4"\n');
    const a = await manifest('run-a');
    expect(a).toMatchObject({ runDir: `${REMOTE}/outputs/run-a`, params: { ...PARAMS, crash: '13' } });
    expect((await manifest('run-b')).configHash).not.toBe(a.configHash);

    // restart A: its own checkpoint-10, never B's checkpoint-40; the same directory and parameters
    const restart = await runAction(
      config,
      conn,
      'restart',
      { host: h.alias, project: 'sample', params: { from: 'run-a', session: 'run-a2', gpus: 'all', verifyMs: 0 } },
      { dataDir },
    );
    expect(restart.verdict.outcome, restart.text).toBe('ok');
    expect(restart.text).toContain(`newest of 2 checkpoint(s) in ${REMOTE}/outputs/run-a: checkpoint-10`);
    await waitOnHost(h, 'cat ~/.trainyard/runs/run-a2.exit 2>/dev/null', /^1$/m);
    const logA2 = await log('run-a2');
    expect(logA2).toContain(`resumed from ${REMOTE}/outputs/run-a/checkpoint-10 at step 11`);
    expect(logA2).toContain(`run_dir=${REMOTE}/outputs/run-a\nrun=run-a2\n`);
    expect(await manifest('run-a2')).toMatchObject({
      parent: 'run-a',
      resumedFrom: `${REMOTE}/outputs/run-a/checkpoint-10`,
      runDir: a.runDir,
      params: a.params,
      configHash: a.configHash,
    });
    expect(await ls(`${REMOTE}/outputs`)).toEqual(['run-a', 'run-b']);

    // pull one run: B's directory only (no checkpoints, no weights); A's stays on the server
    const pull = await runAction(
      config,
      conn,
      'pull',
      { host: h.alias, project: 'sample', params: { run: 'run-b' } },
      { dataDir },
    );
    expect(pull.verdict.outcome, pull.text).toBe('ok');
    expect(readdirSync(path.join(local, 'outputs'))).toEqual(['run-b']);
    expect(readdirSync(path.join(local, 'outputs', 'run-b')).sort()).toEqual(['final.json', 'metrics.jsonl']);
    const unknown = await runAction(
      config,
      conn,
      'pull',
      { host: h.alias, project: 'sample', params: { run: 'run-zz' } },
      { dataDir },
    );
    expect(unknown.verdict.outcome).toBe('failed');
    expect(unknown.verdict.summary).toBe('no run run-zz of sample on gpu-1');
  });

  it("the watchdog's automatic restart resumes from the run's own directory, with its parameters", async () => {
    const installed = await installWatchdog(conn, h.alias, { intervalSeconds: 1 });
    expect(installed.action).toBe('started');
    // slow enough for a 1 s watchdog to see it running; the siblings' higher checkpoints are on disk
    await launch('auto', 'run-c', { crash: '13', dt: '0.25' });
    const events = await waitForEvents(
      conn,
      h.alias,
      (es) => es.some((e) => e.kind === 'restarted' && e.session === 'run-c'),
      40_000,
      'the restart of run-c',
    );
    const restarted = events.find((e) => e.kind === 'restarted' && e.session === 'run-c')!;
    expect(restarted.detail).toMatch(
      new RegExp(`^restarted as (run-c-r1) from ${REMOTE}/outputs/run-c/checkpoint-10 \\(1 of 1\\)$`),
    );
    const child = /restarted as (\S+)/.exec(restarted.detail)![1];
    expect(await manifest(child)).toMatchObject({
      parent: 'run-c',
      restartedBy: 'watchdog',
      resumedFrom: `${REMOTE}/outputs/run-c/checkpoint-10`,
      runDir: `${REMOTE}/outputs/run-c`,
      params: { ...PARAMS, crash: '13', dt: '0.25' },
    });
    await waitOnHost(h, `cat ~/.trainyard/runs/${child}.exit 2>/dev/null`, /^\d+$/m, 30_000);
    const logChild = await log(child);
    expect(logChild).toContain(`resumed from ${REMOTE}/outputs/run-c/checkpoint-10 at step 11`);
    expect(logChild).toContain(`run_dir=${REMOTE}/outputs/run-c\nrun=${child}\n`);
    expect(logChild).toContain('params={"crash":"13","dt":"0.25","lr":"1e-3","steps":"30"}\n');
    expect(await ls(`${REMOTE}/outputs`)).toEqual(['run-a', 'run-b', 'run-c']);
  });
});
