/**
 * Run directories and parameters through the actions, with a scripted transport (no sshd): what
 * a launch sends (run dir, parameters, the expanded command), a placeholder without a value,
 * the config hash, where a restart looks for checkpoints, and pull --run's refusals.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { configHash } from '../../src/actions/configHash.js';
import { normalizeConfig } from '../../src/config/load.js';
import type { RunManifest } from '../../src/runs/layout.js';
import { ScriptedTransport } from '../support/scriptedTransport.js';
import { launchedManifest, probeOutput } from './fakeHost.js';
import { runAction } from './helpers.js';

const work = mkdtempSync('/tmp/ty-rundir-branches-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const project = {
  local: work,
  remote: '/w/p',
  train: 'python train.py --out {run_dir} --lr {lr} --seed "{seed}"',
  resume: '--resume {checkpoint}',
  params: { lr: '1e-3' },
};
const config = normalizeConfig({ hosts: ['gpu-a'], projects: { p: project } }, '/cfg.json');
const HOME = '/home/u';

let transport: ScriptedTransport;
afterEach(() => transport?.verify());
let n = 0;
const opts = () => ({ dataDir: path.join(work, `data-${++n}`) });

const launchTarget = (runParams?: Record<string, string>) => ({
  host: 'gpu-a',
  project: 'p',
  params: { session: 'r1', gpus: 'all', verifyMs: 0, runParams },
});

/** The launch script a tmux launch command carries (second stdin line, base64). */
const launchedScript = (stdin: string | undefined) =>
  Buffer.from((stdin ?? '').split('\n')[1] ?? '', 'base64').toString('utf8');

describe('launch with parameters', () => {
  it('a placeholder without a value is a config error naming it; nothing is launched', async () => {
    transport = new ScriptedTransport().expect('trainyard-probe', { stdout: probeOutput({ home: HOME }) });
    const r = await runAction(config, transport, 'launch', launchTarget(), opts());
    expect(r.verdict.outcome).toBe('failed');
    expect(r.text).toContain(
      'projects.p.train uses {seed}, which has no value — fix: give it with --param seed=VALUE, or a default in projects.p.params',
    );
  });

  it('sends the run dir, the parameters (defaults, then --param) and the command with references', async () => {
    let manifest: RunManifest | null = null;
    let script = '';
    transport = new ScriptedTransport()
      .expect('trainyard-probe', { stdout: probeOutput({ home: HOME }) })
      .expect('trainyard-launch', (c) => {
        manifest = launchedManifest(c);
        script = launchedScript(c.stdin);
        return {};
      });
    const r = await runAction(config, transport, 'launch', launchTarget({ seed: '7', lr: '3e-4' }), opts());
    expect(r.verdict.outcome, r.text).toBe('ok');
    expect(manifest).toMatchObject({
      runDir: '/w/p/outputs/r1',
      params: { lr: '3e-4', seed: '7' },
      command: 'python train.py --out "${ty_run_dir}" --lr "${ty_p_lr}" --seed "${ty_p_seed}"',
      effectiveCommand: 'python train.py --out "${ty_run_dir}" --lr "${ty_p_lr}" --seed "${ty_p_seed}"',
      sweep: null,
    });
    // a person's launch: no "by" (an agent's says agent)
    expect(manifest).not.toHaveProperty('by');
    expect(script).toContain('\nty_run_dir=/w/p/outputs/r1\nty_params=\'{"lr":"3e-4","seed":"7"}\'\n');
    expect(script).toContain('\nty_p_lr=3e-4\nty_p_seed=7\n');
    expect(r.verdict.details).toContain('params: {"lr":"3e-4","seed":"7"}');
    expect(r.verdict.details).toContain('run directory: /w/p/outputs/r1');
  });
});

describe('config hash', () => {
  const base = {
    project: 'p',
    command: 'python t.py --lr {lr}',
    env: {},
    secretNames: [],
    activation: { kind: 'none' } as const,
    git: { commit: 'abc', dirty: false, diffHash: null },
  };
  it('covers the parameters, not their order', () => {
    const a = configHash({ ...base, params: { lr: '1', seed: '2' } });
    expect(configHash({ ...base, params: { seed: '2', lr: '1' } })).toBe(a);
    expect(configHash({ ...base, params: { lr: '3', seed: '2' } })).not.toBe(a);
    expect(configHash({ ...base, params: {} })).not.toBe(a);
  });
});

describe('restart in the run directory', () => {
  const parent: Partial<RunManifest> = {
    session: 'r1',
    project: 'p',
    host: 'gpu-a',
    remoteDir: '/w/p',
    runDir: '/w/p/outputs/r1',
    params: { lr: '5e-4', seed: '9' },
    command: 'python train.py --out "${ty_run_dir}" --lr "${ty_p_lr}" --seed "${ty_p_seed}"',
    resume: '--resume {checkpoint}',
    checkpoints: 'checkpoint-*',
    startedAt: '2026-01-01T00:00:00Z',
    restartCount: 0,
    configHash: 'x',
  };
  const host = probeOutput({
    home: HOME,
    sessions: [{ name: 'r1', dead: true, status: 1 }],
    manifests: [{ manifest: parent, exit: 1 }],
  });

  it("lists only the run's own directory and resumes from there, keeping its directory and parameters", async () => {
    transport = new ScriptedTransport()
      .expect('trainyard-probe', { stdout: host })
      .expect('trainyard-checkpoints', (c) => {
        expect(c.argv.slice(-2)).toEqual(['/w/p/outputs/r1', 'checkpoint-*']);
        return { stdout: '1700000300\tcheckpoint-10\x00' };
      })
      .expect('trainyard-launch', (c) => {
        expect(launchedManifest(c)).toMatchObject({
          parent: 'r1',
          resumedFrom: '/w/p/outputs/r1/checkpoint-10',
          runDir: '/w/p/outputs/r1',
          params: { lr: '5e-4', seed: '9' },
          effectiveCommand:
            'python train.py --out "${ty_run_dir}" --lr "${ty_p_lr}" --seed "${ty_p_seed}" --resume "$ty_checkpoint"',
        });
        return {};
      });
    const r = await runAction(
      config,
      transport,
      'restart',
      { host: 'gpu-a', project: 'p', params: { from: 'r1', session: 'r2', gpus: 'all', verifyMs: 0 } },
      opts(),
    );
    expect(r.verdict.outcome, r.text).toBe('ok');
    // the command the run started with is what the config makes: no "changed" warning
    expect(r.text).not.toContain('the train command changed');
  });
});

describe('pull --run', () => {
  const probe = probeOutput({
    home: HOME,
    manifests: [
      { manifest: { session: 'old', project: 'p', remoteDir: '/w/p', command: 'c' }, exit: 0 },
      { manifest: { session: 'new', project: 'p', remoteDir: '/w/p', runDir: '/w/p/outputs/new', command: 'c' } },
    ],
  });
  const pull = (run: string) =>
    runAction(config, transport, 'pull', { host: 'gpu-a', project: 'p', params: { run } }, { ...opts(), dryRun: true });

  it('refuses an unknown run, a run from before run directories, and a name that is not a run id', async () => {
    transport = new ScriptedTransport().expect('trainyard-probe', { stdout: probe });
    expect((await pull('nope')).verdict).toMatchObject({
      outcome: 'failed',
      summary: 'no run nope of p on gpu-a',
    });
    transport.verify();
    transport = new ScriptedTransport().expect('trainyard-probe', { stdout: probe });
    expect((await pull('old')).verdict.summary).toBe(
      'run old has no directory of its own in /w/p/outputs/ (it ran before runs had one, in /w/p)',
    );
    transport.verify();
    transport = new ScriptedTransport().expect('trainyard-probe', { stdout: probe });
    expect((await pull('../x')).verdict.summary).toMatch(/^--run "..\/x": the session name contains/);
  });

  it("fetches that run's directory into the same place here", async () => {
    transport = new ScriptedTransport().expect('trainyard-probe', { stdout: probe });
    const r = await pull('new');
    expect(r.verdict.outcome, r.text).toBe('ok');
    expect(r.text).toContain(`gpu-a:/w/p/outputs/new/ → ${path.join(work, 'outputs', 'new')}/`);
  });
});
