/**
 * The action branches a real server rarely shows, driven through the runner with a scripted
 * transport (no root, no sshd): a session that appears between the look and the launch (exit
 * 17), an exit status lost on a live link, the duplicate-config question, stop's answers,
 * restart without a checkpoint, and every smoke verdict.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Answerer } from '../../src/actions/runner.js';
import type { ActionId } from '../../src/actions/types.js';
import { EXIT_NO_SUCH_SESSION, EXIT_SESSION_EXISTS } from '../../src/backends/tmux/tmuxCommands.js';
import { normalizeConfig } from '../../src/config/load.js';
import type { RunManifest } from '../../src/runs/layout.js';
import { ScriptedTransport } from '../support/scriptedTransport.js';
import { launchedManifest, probeOutput } from './fakeHost.js';
import { type ActionResult, runAction } from './helpers.js';

const work = mkdtempSync('/tmp/ty-branches-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const project = {
  local: work,
  remote: '/w/p',
  train: 'python train.py',
  smoke: 'python train.py --smoke',
  checkpoints: 'checkpoint-*',
  resume: '--resume {checkpoint}',
};
const config = normalizeConfig({ hosts: ['gpu-a'], projects: { p: project } }, '/cfg.json');
const HOME = '/home/u';

let transport: ScriptedTransport;
afterEach(() => transport?.verify());

let n = 0;
const dataDir = () => path.join(work, `data-${++n}`);

/** Answers confirms from the list in order (recording each question) and takes every default. */
function answers(...yes: boolean[]): { answerer: Answerer; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    answerer: async (q) => {
      if (q.kind !== 'confirm') return q.defaultValue;
      asked.push(q.title);
      return yes.shift() ?? false;
    },
  };
}

function run(
  action: ActionId,
  target: Parameters<typeof runAction>[3],
  opts: { answerer?: Answerer; dataDir?: string } = {},
): Promise<ActionResult> {
  return runAction(config, transport, action, target, {
    dataDir: opts.dataDir ?? dataDir(),
    answerer: opts.answerer ?? answers().answerer,
  });
}

const launchTarget = { host: 'gpu-a', project: 'p', params: { session: 'r1', gpus: 'all', verifyMs: 0 } };

function parentManifest(over: Partial<RunManifest> = {}): Partial<RunManifest> {
  return {
    session: 'old1',
    project: 'p',
    host: 'gpu-a',
    remoteDir: '/w/p',
    command: 'python train.py',
    resume: '--resume {checkpoint}',
    checkpoints: 'outputs/checkpoint-*',
    startedAt: '2026-01-01T00:00:00Z',
    restartCount: 0,
    configHash: 'x',
    ...over,
  };
}

describe('launch', () => {
  it(`a session that appeared between the look and the launch (exit ${EXIT_SESSION_EXISTS}) is refused by name`, async () => {
    transport = new ScriptedTransport()
      .expect('trainyard-probe', { stdout: probeOutput({ home: HOME }) })
      .expect('trainyard-launch', {
        code: EXIT_SESSION_EXISTS,
        stderr: 'trainyard: a tmux session named r1 already exists',
      });
    const r = await run('launch', launchTarget);
    expect(r.verdict).toMatchObject({
      outcome: 'failed',
      summary: 'a tmux session named r1 already exists on gpu-a',
      hint: 'pick another name',
    });
  });

  it('an exit status lost on a live link: the session tells whether the launch happened', async () => {
    transport = new ScriptedTransport()
      .expect('trainyard-probe', { stdout: probeOutput({ home: HOME }) })
      .expect('trainyard-launch', { code: null })
      .expect('tmux', (c) => {
        expect(c.argv).toContain('=r1:');
        return { stdout: '0 \n' };
      });
    const ok = await run('launch', launchTarget);
    expect(ok.verdict.outcome, ok.text).toBe('ok');
    expect(ok.verdict.summary).toBe('launched r1 on gpu-a (all GPUs)');
    transport.verify();

    transport = new ScriptedTransport()
      .expect('trainyard-probe', { stdout: probeOutput({ home: HOME }) })
      .expect('trainyard-launch', { code: null })
      .expect('tmux', { code: 1, stderr: "can't find session: r1" });
    const lost = await run('launch', launchTarget);
    expect(lost.verdict).toMatchObject({ outcome: 'failed', cause: 'lost-exit-status' });
    expect(lost.verdict.summary).toContain('ended without an exit status');
  });

  it('a read-only look whose status was lost is asked again; a dropped link is not', async () => {
    transport = new ScriptedTransport()
      .expect('trainyard-probe', { code: null })
      .expect('trainyard-probe', { stdout: probeOutput({ home: HOME }) })
      .expect('trainyard-launch');
    expect((await run('launch', launchTarget)).verdict.outcome).toBe('ok');
    transport.verify();

    transport = new ScriptedTransport().expect('trainyard-probe', () => {
      transport.info = { state: 'reconnecting', error: 'keepalive timeout' };
      return { code: null };
    });
    const r = await run('launch', launchTarget);
    expect(r.verdict).toMatchObject({ outcome: 'failed', cause: 'not-connected' });
    expect(r.verdict.summary).toContain('the connection dropped while running "look at the host');
    expect(r.verdict.summary).toContain('keepalive timeout');
  });

  it('the same config again asks first; no launches nothing, yes launches', async () => {
    let first: RunManifest | null = null;
    transport = new ScriptedTransport()
      .expect('trainyard-probe', { stdout: probeOutput({ home: HOME }) })
      .expect('trainyard-launch', (c) => {
        first = launchedManifest(c);
        return {};
      });
    expect((await run('launch', launchTarget)).verdict.outcome).toBe('ok');
    expect(first).not.toBeNull();
    transport.verify();

    const host = probeOutput({
      home: HOME,
      sessions: [{ name: 'r1', dead: true, status: 0 }],
      manifests: [{ manifest: first!, exit: 0 }],
    });
    const second = { ...launchTarget, params: { ...launchTarget.params, session: 'r2' } };
    const no = answers(false);
    transport = new ScriptedTransport().expect('trainyard-probe', { stdout: host });
    const declined = await run('launch', second, { answerer: no.answerer });
    expect(no.asked).toEqual(['Same config again?']);
    expect(declined.verdict.outcome).toBe('declined');
    transport.verify();

    const yes = answers(true);
    transport = new ScriptedTransport().expect('trainyard-probe', { stdout: host }).expect('trainyard-launch', (c) => {
      expect(launchedManifest(c)).toMatchObject({ session: 'r2', configHash: first!.configHash });
      return {};
    });
    expect((await run('launch', second, { answerer: yes.answerer })).verdict.outcome).toBe('ok');
    expect(yes.asked).toEqual(['Same config again?']);
  });

  it('a session name already taken on the host is refused before anything is written', async () => {
    transport = new ScriptedTransport().expect('trainyard-probe', {
      stdout: probeOutput({ home: HOME, sessions: [{ name: 'r1' }] }),
    });
    const r = await run('launch', launchTarget);
    expect(r.verdict).toMatchObject({ outcome: 'failed', summary: 'a tmux session named r1 already exists on gpu-a' });
  });
});

describe('stop', () => {
  const target = { host: 'gpu-a', session: 'r1' };
  const alive = { stdout: '0 \n' };
  it(`says so when the session is gone (exit ${EXIT_NO_SUCH_SESSION})`, async () => {
    transport = new ScriptedTransport()
      .expect(/pane_dead/, { code: 1 })
      .expect('trainyard-stop', { code: EXIT_NO_SUCH_SESSION });
    const r = await run('stop', target, { answerer: answers(true).answerer });
    expect(r.verdict).toMatchObject({ outcome: 'failed', summary: 'there is no tmux session named r1 on gpu-a' });
  });

  it('tells a graceful exit from a kill, and does nothing when the answer is no', async () => {
    transport = new ScriptedTransport()
      .expect(/pane_dead/, alive)
      .expect('trainyard-stop', { stdout: '@@graceful 1\n' });
    expect((await run('stop', target, { answerer: answers(true).answerer })).verdict.summary).toBe(
      'stopped r1 on gpu-a (it exited after Ctrl-C)',
    );
    transport.verify();
    transport = new ScriptedTransport()
      .expect(/pane_dead/, alive)
      .expect('trainyard-stop', { stdout: '@@graceful 0\n' });
    expect((await run('stop', target, { answerer: answers(true).answerer })).verdict.summary).toBe(
      'killed r1 on gpu-a (still running 10 s after Ctrl-C)',
    );
    transport.verify();
    transport = new ScriptedTransport().expect(/pane_dead/, alive);
    expect((await run('stop', target)).verdict.outcome).toBe('declined');
  });

  it('a run that already ended is not offered Ctrl-C: the question offers to remove its session', async () => {
    const asked: string[] = [];
    transport = new ScriptedTransport().expect(/pane_dead/, { stdout: '1 3\n' });
    const no = await run('stop', target, {
      answerer: async (q) => (asked.push(q.kind === 'confirm' ? `${q.title} ${q.message}` : q.title), false),
    });
    expect(no.verdict).toMatchObject({ outcome: 'declined', summary: 'not done: r1 is kept' });
    expect(asked).toEqual([
      'Remove the ended session? r1 on gpu-a has already ended (exit 3): there is nothing to stop. Remove its tmux session? Its log and manifest stay; it will not be restarted automatically.',
    ]);
    transport.verify();
    transport = new ScriptedTransport()
      .expect(/pane_dead/, { stdout: '1 3\n' })
      .expect('trainyard-remove-ended', { stdout: 'removed 0\n' });
    const yes = await run('stop', target, { answerer: answers(true).answerer });
    expect(yes.verdict.summary).toBe('removed the ended session r1 on gpu-a');
    transport.verify();
    // started again between the question and the removal: left alone
    transport = new ScriptedTransport()
      .expect(/pane_dead/, { stdout: '1 3\n' })
      .expect('trainyard-remove-ended', { stdout: 'alive 0\n' });
    const again = await run('stop', target, { answerer: answers(true).answerer });
    expect(again.verdict).toMatchObject({
      outcome: 'failed',
      summary: 'r1 on gpu-a is running again: nothing was removed',
    });
    transport.verify();
  });
});

describe('restart', () => {
  const target = { host: 'gpu-a', session: 'old1', params: { session: 'new1', gpus: 'all', verifyMs: 0 } };
  const host = probeOutput({
    home: HOME,
    sessions: [{ name: 'old1', dead: true, status: 1 }],
    manifests: [{ manifest: parentManifest(), exit: 1 }],
  });

  it('without a checkpoint it offers a fresh start: no keeps everything as it was, yes launches the plain command', async () => {
    const no = answers(false);
    transport = new ScriptedTransport()
      .expect('trainyard-probe', { stdout: host })
      .expect('trainyard-checkpoints', { stdout: '' });
    const declined = await run('restart', target, { answerer: no.answerer });
    expect(no.asked).toEqual(['No checkpoint']);
    expect(declined.verdict).toMatchObject({ outcome: 'declined', summary: 'not done: no checkpoint to resume from' });
    transport.verify();

    transport = new ScriptedTransport()
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
    transport = new ScriptedTransport()
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
    transport = new ScriptedTransport()
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
    transport = new ScriptedTransport()
      .expect('trainyard-probe', { stdout: evil })
      .expect('trainyard-checkpoints', { stdout: '1700000200\toutputs/checkpoint-1000\x00' });
    const r = await runAction(plain, transport, 'restart', target, {
      dataDir: dataDir(),
      answerer: answers().answerer,
    });
    expect(r.verdict.outcome).toBe('failed');
    expect(r.verdict.summary).toMatch(
      /^the resume template of old1 \(from its manifest on gpu-a\) "\$" is not allowed/,
    );
  });

  it('refuses a run that is still running, and a run with no manifest', async () => {
    transport = new ScriptedTransport().expect('trainyard-probe', {
      stdout: probeOutput({ home: HOME, sessions: [{ name: 'old1' }], manifests: [{ manifest: parentManifest() }] }),
    });
    expect((await run('restart', target)).verdict).toMatchObject({
      outcome: 'failed',
      summary: 'old1 is still running on gpu-a',
    });
    transport.verify();
    transport = new ScriptedTransport().expect('trainyard-probe', { stdout: probeOutput({ home: HOME }) });
    expect((await run('restart', target)).verdict.summary).toBe(
      'no trainyard run named old1 on gpu-a (no manifest in ~/.trainyard/runs)',
    );
  });
});

describe('smoke verdicts', () => {
  const target = { host: 'gpu-a', project: 'p' };
  const smoke = (lines: string[], result: { code: number | null; signal?: string }) => {
    transport = new ScriptedTransport().expect('trainyard-probe', { stdout: probeOutput({ home: HOME }) });
    transport.expectStream('trainyard-smoke', { lines, result });
    return run('smoke', target);
  };

  it('passes when it exits 0 with the loss going down, and says when the loss did not', async () => {
    const down = await smoke(['step 1 loss 2.5', 'step 2 loss 1.9', 'step 3 loss 1.2'], { code: 0 });
    expect(down.verdict).toMatchObject({ outcome: 'ok', cause: 'passed', summary: 'smoke test passed' });
    transport.verify();
    const flat = await smoke(['step 1 loss 1.0', 'step 2 loss 1.5', 'step 3 loss 2.0'], { code: 0 });
    expect(flat.verdict).toMatchObject({ outcome: 'ok', summary: 'smoke test passed, but the loss did not go down' });
  });

  it('names CUDA out of memory, a NaN loss, a traceback and a bare exit code', async () => {
    expect(
      (
        await smoke(['step 1 loss 2.0', 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB'], {
          code: 1,
        })
      ).verdict,
    ).toMatchObject({ outcome: 'failed', cause: 'cuda-oom' });
    transport.verify();
    expect((await smoke(['step 1 loss 2.0', 'step 2 loss nan'], { code: 0 })).verdict).toMatchObject({
      outcome: 'failed',
      cause: 'nan-loss',
    });
    transport.verify();
    expect(
      (
        await smoke(
          ['Traceback (most recent call last):', '  File "train.py", line 3, in <module>', 'ValueError: bad config'],
          { code: 1 },
        )
      ).verdict,
    ).toMatchObject({
      outcome: 'failed',
      cause: 'traceback',
      summary: 'smoke test FAILED: Python error: ValueError: bad config',
    });
    transport.verify();
    const missing = await smoke(['bash: python: command not found'], { code: 127 });
    expect(missing.verdict).toMatchObject({
      outcome: 'failed',
      cause: 'exit-code',
      hint: 'a command was not found on the host (python? conda?)',
    });
  });

  it('a run that hangs is stopped at the time limit; a cancelled one says cancelled and its stream is closed', async () => {
    const quick = normalizeConfig(
      { hosts: ['gpu-a'], projects: { p: { ...project, smokeTimeoutSeconds: 1 } } },
      '/cfg.json',
    );
    transport = new ScriptedTransport().expect('trainyard-probe', { stdout: probeOutput({ home: HOME }) });
    const hung = transport.expectStream('trainyard-smoke', { live: true });
    const r = await runAction(quick, transport, 'smoke', target, { dataDir: dataDir() });
    expect(hung.cancelled).toBe(true);
    expect(r.verdict).toMatchObject({ outcome: 'failed', cause: 'timeout' });
    transport.verify();

    transport = new ScriptedTransport().expect('trainyard-probe', { stdout: probeOutput({ home: HOME }) });
    const feed = transport.expectStream('trainyard-smoke', { live: true });
    const cancelled = runAction(config, transport, 'smoke', target, {
      dataDir: dataDir(),
      onStart: (runner, runId) => void feed.opened.then(() => runner.cancel(runId)),
    });
    expect((await cancelled).verdict.outcome).toBe('cancelled');
    expect(feed.cancelled).toBe(true);
  });
});

describe('the --delete guard (host "local": real rsync between two directories, the look scripted)', () => {
  const local = path.join(work, 'guard-local');
  const remote = path.join(work, 'guard-remote');
  const localConfig = normalizeConfig(
    { hosts: ['local'], projects: { p: { local, remote, train: 'python train.py', results: 'outputs' } } },
    '/cfg.json',
  );
  const sync = (opts: { live: boolean; answerer: Answerer }) => {
    const manifests = opts.live
      ? [
          {
            manifest: {
              ...parentManifest({
                session: 'live1',
                host: 'local',
                remoteDir: remote,
                results: 'run-out',
                checkpoints: 'run-out/checkpoint-*',
              }),
              log: `${remote}/logs/live1.log`,
            },
          },
        ]
      : [];
    transport = new ScriptedTransport().expect('trainyard-probe', {
      stdout: probeOutput({ home: work, sessions: opts.live ? [{ name: 'live1' }] : [], manifests }),
    });
    return runAction(
      localConfig,
      transport,
      'sync',
      { host: 'local', project: 'p' },
      { dataDir: dataDir(), answerer: opts.answerer },
    );
  };
  const exists = (rel: string) => existsSync(path.join(remote, rel));

  it('lists what would go, deletes nothing on no, deletes on yes', async () => {
    mkdirSync(local, { recursive: true });
    writeFileSync(path.join(local, 'train.py'), 'print(1)\n');
    mkdirSync(path.join(remote, 'stale'), { recursive: true });
    writeFileSync(path.join(remote, 'old.py'), 'x\n');
    writeFileSync(path.join(remote, 'stale', 'notes.txt'), 'x\n');
    const no = answers(false);
    const kept = await sync({ live: false, answerer: no.answerer });
    expect(kept.verdict.outcome, kept.text).toBe('ok');
    expect(no.asked).toEqual(['Delete on the server?']);
    expect(kept.verdict.data?.deletions).toEqual(expect.arrayContaining(['old.py', 'stale/', 'stale/notes.txt']));
    expect(exists('old.py') && exists('stale/notes.txt') && exists('train.py')).toBe(true);
    transport.verify();

    const removed = await sync({ live: false, answerer: answers(true).answerer });
    expect(removed.verdict.data?.deleted).toBe(3);
    expect(exists('old.py') || exists('stale')).toBe(false);
  });

  it("keeps a live run's results, checkpoints and log out of the list, and says so", async () => {
    mkdirSync(path.join(remote, 'run-out', 'checkpoint-5'), { recursive: true });
    mkdirSync(path.join(remote, 'logs'), { recursive: true });
    writeFileSync(path.join(remote, 'run-out', 'metrics.jsonl'), '{}\n');
    writeFileSync(path.join(remote, 'logs', 'live1.log'), 'step 1\n');
    writeFileSync(path.join(remote, 'leftover.py'), 'x\n');
    const yes = answers(true, true);
    const r = await sync({ live: true, answerer: yes.answerer });
    expect(r.verdict.outcome, r.text).toBe('ok');
    expect(yes.asked).toEqual(['Sync under a live run?', 'Delete on the server?']);
    expect(r.text).toContain(
      'protected from --delete: run-out/, run-out/checkpoint-*, logs/live1.log (run live1 is alive)',
    );
    expect(r.verdict.data?.deletions).toEqual(['leftover.py']);
    expect(exists('leftover.py')).toBe(false);
    expect(exists('run-out/metrics.jsonl') && exists('run-out/checkpoint-5') && exists('logs/live1.log')).toBe(true);
    transport.verify();

    // the same files without a live run: the guard was what kept them (and nothing asks about live runs)
    const after = answers(false);
    const unguarded = await sync({ live: false, answerer: after.answerer });
    expect(unguarded.verdict.data?.deletions).toEqual(
      expect.arrayContaining(['run-out/metrics.jsonl', 'logs/live1.log']),
    );
    expect(after.asked).toEqual(['Delete on the server?']);
  });

  it('a sync under a live run names it and sends nothing when the answer is no', async () => {
    writeFileSync(path.join(local, 'model.py'), 'changed = True\n');
    const messages: string[] = [];
    const r = await sync({
      live: true,
      answerer: async (q) => (q.kind === 'confirm' && messages.push(q.message, ...q.details), false),
    });
    expect(r.verdict).toMatchObject({
      outcome: 'declined',
      summary: 'not done: nothing sent: live1 keeps the code it started with',
    });
    expect(messages[0]).toBe(
      `live1 is running from local:${remote}: the sync changes the code under it (a module imported later, a new worker or a restart reads the new code). Sync anyway?`,
    );
    expect(messages[1]).toMatch(/^live1 {2}p, started 2026-01-01T00:00:00Z$/);
    expect(exists('model.py')).toBe(false);
  });
});
