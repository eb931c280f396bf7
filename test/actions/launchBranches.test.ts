/**
 * Launch and stop branches a real server rarely shows, through the runner with a scripted transport:
 * a session that appears between the look and the launch (exit 17), an exit status lost on a live
 * link, the duplicate-config question, a name already taken, and stop's answers.
 */
import { describe, expect, it } from 'vitest';
import { EXIT_NO_SUCH_SESSION, EXIT_SESSION_EXISTS } from '../../src/backends/tmux/tmuxCommands.js';
import type { RunManifest } from '../../src/runs/layout.js';
import { ScriptedTransport } from '../support/scriptedTransport.js';
import { answers, branchesLab, HOME, launchTarget } from './branchesLab.js';
import { launchedManifest, probeOutput } from './fakeHost.js';

const lab = branchesLab();
const { run } = lab;

describe('launch', () => {
  it(`a session that appeared between the look and the launch (exit ${EXIT_SESSION_EXISTS}) is refused by name`, async () => {
    lab.transport = new ScriptedTransport()
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
    lab.transport = new ScriptedTransport()
      .expect('trainyard-probe', { stdout: probeOutput({ home: HOME }) })
      .expect('trainyard-launch', { code: null })
      .expect('tmux', (c) => {
        expect(c.argv).toContain('=r1:');
        return { stdout: '0 \n' };
      });
    const ok = await run('launch', launchTarget);
    expect(ok.verdict.outcome, ok.text).toBe('ok');
    expect(ok.verdict.summary).toBe('launched r1 on gpu-a (all GPUs)');
    lab.transport.verify();

    lab.transport = new ScriptedTransport()
      .expect('trainyard-probe', { stdout: probeOutput({ home: HOME }) })
      .expect('trainyard-launch', { code: null })
      .expect('tmux', { code: 1, stderr: "can't find session: r1" });
    const lost = await run('launch', launchTarget);
    expect(lost.verdict).toMatchObject({ outcome: 'failed', cause: 'lost-exit-status' });
    expect(lost.verdict.summary).toContain('ended without an exit status');
  });

  it('a read-only look whose status was lost is asked again; a dropped link is not', async () => {
    lab.transport = new ScriptedTransport()
      .expect('trainyard-probe', { code: null })
      .expect('trainyard-probe', { stdout: probeOutput({ home: HOME }) })
      .expect('trainyard-launch');
    expect((await run('launch', launchTarget)).verdict.outcome).toBe('ok');
    lab.transport.verify();

    lab.transport = new ScriptedTransport().expect('trainyard-probe', () => {
      lab.transport.info = { state: 'reconnecting', error: 'keepalive timeout' };
      return { code: null };
    });
    const r = await run('launch', launchTarget);
    expect(r.verdict).toMatchObject({ outcome: 'failed', cause: 'not-connected' });
    expect(r.verdict.summary).toContain('the connection dropped while running "look at the host');
    expect(r.verdict.summary).toContain('keepalive timeout');
  });

  it('the same config again asks first; no launches nothing, yes launches', async () => {
    let first: RunManifest | null = null;
    lab.transport = new ScriptedTransport()
      .expect('trainyard-probe', { stdout: probeOutput({ home: HOME }) })
      .expect('trainyard-launch', (c) => {
        first = launchedManifest(c);
        return {};
      });
    expect((await run('launch', launchTarget)).verdict.outcome).toBe('ok');
    expect(first).not.toBeNull();
    lab.transport.verify();

    const host = probeOutput({
      home: HOME,
      sessions: [{ name: 'r1', dead: true, status: 0 }],
      manifests: [{ manifest: first!, exit: 0 }],
    });
    const second = { ...launchTarget, params: { ...launchTarget.params, session: 'r2' } };
    const no = answers(false);
    lab.transport = new ScriptedTransport().expect('trainyard-probe', { stdout: host });
    const declined = await run('launch', second, { answerer: no.answerer });
    expect(no.asked).toEqual(['Same config again?']);
    expect(declined.verdict.outcome).toBe('declined');
    lab.transport.verify();

    const yes = answers(true);
    lab.transport = new ScriptedTransport()
      .expect('trainyard-probe', { stdout: host })
      .expect('trainyard-launch', (c) => {
        expect(launchedManifest(c)).toMatchObject({ session: 'r2', configHash: first!.configHash });
        return {};
      });
    expect((await run('launch', second, { answerer: yes.answerer })).verdict.outcome).toBe('ok');
    expect(yes.asked).toEqual(['Same config again?']);
  });

  it('a session name already taken on the host is refused before anything is written', async () => {
    lab.transport = new ScriptedTransport().expect('trainyard-probe', {
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
    lab.transport = new ScriptedTransport()
      .expect(/pane_dead/, { code: 1 })
      .expect('trainyard-stop', { code: EXIT_NO_SUCH_SESSION });
    const r = await run('stop', target, { answerer: answers(true).answerer });
    expect(r.verdict).toMatchObject({ outcome: 'failed', summary: 'there is no tmux session named r1 on gpu-a' });
  });

  it('tells a graceful exit from a kill, and does nothing when the answer is no', async () => {
    lab.transport = new ScriptedTransport()
      .expect(/pane_dead/, alive)
      .expect('trainyard-stop', { stdout: '@@graceful 1\n' });
    expect((await run('stop', target, { answerer: answers(true).answerer })).verdict.summary).toBe(
      'stopped r1 on gpu-a (it exited after Ctrl-C)',
    );
    lab.transport.verify();
    lab.transport = new ScriptedTransport()
      .expect(/pane_dead/, alive)
      .expect('trainyard-stop', { stdout: '@@graceful 0\n' });
    expect((await run('stop', target, { answerer: answers(true).answerer })).verdict.summary).toBe(
      'killed r1 on gpu-a (still running 10 s after Ctrl-C)',
    );
    lab.transport.verify();
    lab.transport = new ScriptedTransport().expect(/pane_dead/, alive);
    expect((await run('stop', target)).verdict.outcome).toBe('declined');
  });

  it('a run that already ended is not offered Ctrl-C: the question offers to remove its session', async () => {
    const asked: string[] = [];
    lab.transport = new ScriptedTransport().expect(/pane_dead/, { stdout: '1 3\n' });
    const no = await run('stop', target, {
      answerer: async (q) => (asked.push(q.kind === 'confirm' ? `${q.title} ${q.message}` : q.title), false),
    });
    expect(no.verdict).toMatchObject({ outcome: 'declined', summary: 'not done: r1 is kept' });
    expect(asked).toEqual([
      'Remove the ended session? r1 on gpu-a has already ended (exit 3): there is nothing to stop. Remove its tmux session? Its log and manifest stay; it will not be restarted automatically.',
    ]);
    lab.transport.verify();
    lab.transport = new ScriptedTransport()
      .expect(/pane_dead/, { stdout: '1 3\n' })
      .expect('trainyard-remove-ended', { stdout: 'removed 0\n' });
    const yes = await run('stop', target, { answerer: answers(true).answerer });
    expect(yes.verdict.summary).toBe('removed the ended session r1 on gpu-a');
    lab.transport.verify();
    // started again between the question and the removal: left alone
    lab.transport = new ScriptedTransport()
      .expect(/pane_dead/, { stdout: '1 3\n' })
      .expect('trainyard-remove-ended', { stdout: 'alive 0\n' });
    const again = await run('stop', target, { answerer: answers(true).answerer });
    expect(again.verdict).toMatchObject({
      outcome: 'failed',
      summary: 'r1 on gpu-a is running again: nothing was removed',
    });
    lab.transport.verify();
  });
});
