/** Restart branches through the runner with a scripted transport: no checkpoint, the newest one, names, templates, refusals. */
import { describe, expect, it } from 'vitest';
import { normalizeConfig } from '../../src/config/load.js';
import { ScriptedTransport } from '../support/scriptedTransport.js';
import { answers, branchesLab, HOME, parentManifest } from './branchesLab.js';
import { launchedManifest, probeOutput } from './fakeHost.js';
import { runAction } from './helpers.js';

const lab = branchesLab();
const { project, dataDir, run } = lab;

describe('restart', () => {
  const target = { host: 'gpu-a', session: 'old1', params: { session: 'new1', gpus: 'all', verifyMs: 0 } };
  const host = probeOutput({
    home: HOME,
    sessions: [{ name: 'old1', dead: true, status: 1 }],
    manifests: [{ manifest: parentManifest(), exit: 1 }],
  });

  it('without a checkpoint it offers a fresh start: no keeps everything as it was, yes launches the plain command', async () => {
    const no = answers(false);
    lab.transport = new ScriptedTransport()
      .expect('trainyard-probe', { stdout: host })
      .expect('trainyard-checkpoints', { stdout: '' });
    const declined = await run('restart', target, { answerer: no.answerer });
    expect(no.asked).toEqual(['No checkpoint']);
    expect(declined.verdict).toMatchObject({ outcome: 'declined', summary: 'not done: no checkpoint to resume from' });
    lab.transport.verify();

    lab.transport = new ScriptedTransport()
      .expect('trainyard-probe', { stdout: host })
      .expect('trainyard-checkpoints', { stdout: '' })
      .expect('trainyard-launch', (c) => {
        expect(launchedManifest(c)).toMatchObject({
          session: 'new1',
          parent: 'old1',
          resumedFrom: null,
          effectiveCommand: 'python train.py',
        });
        return {};
      });
    expect((await run('restart', target, { answerer: answers(true).answerer })).verdict.outcome).toBe('ok');
  });

  it('resumes from the newest checkpoint by step number', async () => {
    lab.transport = new ScriptedTransport()
      .expect('trainyard-probe', { stdout: host })
      .expect('trainyard-checkpoints', {
        stdout: '1700000300\toutputs/checkpoint-999\x001700000200\toutputs/checkpoint-1000\x00',
      })
      .expect('trainyard-launch', (c) => {
        expect(launchedManifest(c)).toMatchObject({
          parent: 'old1',
          resumedFrom: 'outputs/checkpoint-1000',
          effectiveCommand: 'python train.py --resume "$ty_checkpoint"',
        });
        return {};
      });
    const r = await run('restart', target);
    expect(r.verdict.outcome, r.text).toBe('ok');
  });

  it('a restart without a name is named after the run it continues: old1-r1, or old1-r2 when that is taken', async () => {
    const offered: string[] = [];
    lab.transport = new ScriptedTransport()
      .expect('trainyard-probe', {
        stdout: probeOutput({
          home: HOME,
          sessions: [{ name: 'old1', dead: true, status: 1 }, { name: 'old1-r1' }],
          manifests: [{ manifest: parentManifest(), exit: 1 }],
        }),
      })
      .expect('trainyard-checkpoints', { stdout: '1700000300\toutputs/checkpoint-5\x00' })
      .expect('trainyard-launch', (c) => {
        expect(launchedManifest(c)).toMatchObject({ session: 'old1-r2', parent: 'old1' });
        return {};
      });
    const r = await run(
      'restart',
      { host: 'gpu-a', session: 'old1', params: { gpus: 'all', verifyMs: 0 } },
      {
        answerer: async (q) => {
          if (q.kind === 'input') offered.push(q.defaultValue);
          return q.kind === 'confirm' ? false : q.defaultValue;
        },
      },
    );
    expect(r.verdict.outcome, r.text).toBe('ok');
    expect(offered).toEqual(['old1-r2']);
  });

  it("checks a resume template taken from the run's manifest like one from the config: shell code is refused before anything runs", async () => {
    const { resume: _none, ...noResume } = project;
    const plain = normalizeConfig({ hosts: ['gpu-a'], projects: { p: noResume } }, '/cfg.json');
    const evil = probeOutput({
      home: HOME,
      sessions: [{ name: 'old1', dead: true, status: 1 }],
      manifests: [{ manifest: parentManifest({ resume: '--resume "$(touch pwned)/{checkpoint}"' }), exit: 1 }],
    });
    lab.transport = new ScriptedTransport()
      .expect('trainyard-probe', { stdout: evil })
      .expect('trainyard-checkpoints', { stdout: '1700000200\toutputs/checkpoint-1000\x00' });
    const r = await runAction(plain, lab.transport, 'restart', target, {
      dataDir: dataDir(),
      answerer: answers().answerer,
    });
    expect(r.verdict.outcome).toBe('failed');
    expect(r.verdict.summary).toMatch(
      /^the resume template of old1 \(from its manifest on gpu-a\) "\$" is not allowed/,
    );
  });

  it('refuses a run that is still running, and a run with no manifest', async () => {
    lab.transport = new ScriptedTransport().expect('trainyard-probe', {
      stdout: probeOutput({ home: HOME, sessions: [{ name: 'old1' }], manifests: [{ manifest: parentManifest() }] }),
    });
    expect((await run('restart', target)).verdict).toMatchObject({
      outcome: 'failed',
      summary: 'old1 is still running on gpu-a',
    });
    lab.transport.verify();
    lab.transport = new ScriptedTransport().expect('trainyard-probe', { stdout: probeOutput({ home: HOME }) });
    expect((await run('restart', target)).verdict.summary).toBe(
      'no trainyard run named old1 on gpu-a (no manifest in ~/.trainyard/runs)',
    );
  });
});
