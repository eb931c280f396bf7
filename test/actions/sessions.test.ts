/** Stop, clear and restart of sessions, against a real host. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transportExec } from '../../src/backends/runBackend.js';
import { tmuxBackend } from '../../src/backends/tmux/tmuxBackend.js';
import type { SshConnection } from '../../src/ssh/connection.js';
import { canRunTestHosts, type TestHosts } from '../harness/testHosts.js';
import { type ActionLab, labConfig, type RemoteHost, runAction, sampleProject, waitOnHost } from './helpers.js';
import { launchSample, startSessionsLab } from './sessionsLab.js';

const can = canRunTestHosts();

describe.skipIf(!can.ok)('stop, clear and restart on a real host', () => {
  let fixture: ActionLab;
  let lab: TestHosts;
  let h: RemoteHost;
  let conn: SshConnection;
  let local: string;
  let dataDir: string;
  const env = { ...process.env, TMUX: '' };
  const launch = (session: string, train: string) => launchSample(fixture, env, session, train);

  beforeAll(async () => {
    fixture = await startSessionsLab('ty-sessions-', env);
    ({ lab, h, conn, local, dataDir } = fixture);
  });

  afterAll(() => fixture?.stop());

  it('stop asks first, sends Ctrl-C, marks the run stopped, and the stopped run stays listed with its log', async () => {
    const c = await launch('stop-1', 'python3 train.py --steps 100000 --step-seconds 0.05');
    await waitOnHost(h, 'cat ~/.trainyard/runs/stop-1.log', /step 3 loss/);
    const no = await runAction(
      c,
      conn,
      'stop',
      { host: h.alias, session: 'stop-1' },
      { dataDir, env, answerer: async () => false },
    );
    expect(no.verdict.outcome).toBe('declined');
    expect((await h.run("tmux display-message -p -t '=stop-1:' '#{pane_dead}'")).stdout.trim()).toBe('0');

    const yes = await runAction(
      c,
      conn,
      'stop',
      { host: h.alias, session: 'stop-1' },
      { dataDir, env, answerer: async (q) => q.kind === 'confirm' && q.destructive },
    );
    expect(yes.verdict).toMatchObject({ outcome: 'ok', summary: 'stopped stop-1 on gpu-1 (it exited after Ctrl-C)' });
    // like a crashed or finished run, it stays: its pane is dead, the session is still listed
    expect((await h.run("tmux display-message -p -t '=stop-1:' '#{pane_dead}'")).stdout.trim()).toBe('1');
    expect((await h.run('cat ~/.trainyard/runs/stop-1.stopped')).stdout).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await h.run('cat ~/.trainyard/runs/stop-1.exit')).stdout.trim()).toMatch(/^(1|130)$/);
    expect((await h.run('cat ~/.trainyard/runs/stop-1.log')).stdout).toContain('KeyboardInterrupt');
    const snap = await tmuxBackend.inspect(transportExec(conn), h.alias, '~');
    expect(snap.runs.find((r) => r.id === 'stop-1')?.state).toBe('stopped');
    expect(snap.takenNames).toContain('stop-1');
  });

  it('x on a run that already ended says so and offers to remove its session (no Ctrl-C)', async () => {
    const c = await launch('stop-3', 'echo done; exit 3');
    await waitOnHost(h, 'cat ~/.trainyard/runs/stop-3.exit', /^3\s*$/);
    const asked: string[] = [];
    const no = await runAction(
      c,
      conn,
      'stop',
      { host: h.alias, session: 'stop-3' },
      {
        dataDir,
        env,
        answerer: async (q) => (asked.push(`${q.title}: ${q.kind === 'confirm' ? q.message : ''}`), false),
      },
    );
    expect(no.verdict.outcome).toBe('declined');
    expect(asked).toHaveLength(1);
    // tmux keeps the pane's status only on some versions: the exit code is shown when it is known
    expect(asked[0]).toMatch(
      /^Remove the ended session\?: stop-3 on gpu-1 has already ended( \(exit 3\))?: there is nothing to stop\. Remove its tmux session\? Its log and manifest stay; it will not be restarted automatically\.$/,
    );
    expect((await h.run("tmux has-session -t '=stop-3'")).code).toBe(0);

    const yes = await runAction(
      c,
      conn,
      'stop',
      { host: h.alias, session: 'stop-3' },
      { dataDir, env, answerer: async (q) => q.kind === 'confirm' && q.destructive },
    );
    expect(yes.verdict).toMatchObject({ outcome: 'ok', summary: 'removed the ended session stop-3 on gpu-1' });
    expect(yes.text).not.toContain('Ctrl-C');
    expect((await h.run("tmux has-session -t '=stop-3'")).code).not.toBe(0);
    expect((await h.run('cat ~/.trainyard/runs/stop-3.log')).stdout).toContain('done');
  });

  it('kills a run that ignores Ctrl-C after the grace period', async () => {
    const c = await launch('stop-2', "trap '' INT; echo ignoring; sleep 600.125");
    await waitOnHost(h, 'cat ~/.trainyard/runs/stop-2.log', /ignoring/);
    const r = await runAction(
      c,
      conn,
      'stop',
      { host: h.alias, project: 'sample', session: 'stop-2' },
      { dataDir, env, assumeYes: true },
    );
    expect(r.verdict.summary).toBe('killed stop-2 on gpu-1 (still running 1.5 s after Ctrl-C)');
    // its processes are gone (the sleep too), its session stays, ended
    expect((await h.run("tmux display-message -p -t '=stop-2:' '#{pane_dead}'")).stdout.trim()).toBe('1');
    expect((await h.run('pgrep -f "[s]leep 600[.]125" || true')).stdout.trim()).toBe('');
    const removed = await runAction(
      c,
      conn,
      'stop',
      { host: h.alias, session: 'stop-2' },
      { dataDir, env, assumeYes: true },
    );
    expect(removed.verdict.summary).toBe('removed the ended session stop-2 on gpu-1');
    expect((await h.run("tmux has-session -t '=stop-2'")).code).not.toBe(0);
    const gone = await runAction(
      c,
      conn,
      'stop',
      { host: h.alias, session: 'stop-2' },
      { dataDir, env, assumeYes: true },
    );
    expect(gone.verdict).toMatchObject({
      outcome: 'failed',
      summary: 'there is no tmux session named stop-2 on gpu-1',
    });
  });

  it('clear asks with the list of ended runs, removes exactly those, and leaves live runs and every log alone', async () => {
    const c = await launch('clr-live', 'sleep 600');
    await launch('clr-ok', 'echo fine; exit 0');
    await launch('clr-bad', 'echo broke; exit 4');
    await waitOnHost(h, 'cat ~/.trainyard/runs/clr-ok.exit ~/.trainyard/runs/clr-bad.exit', /^0\n4\s*$/);
    const dead = async () =>
      (await h.run("tmux list-sessions -F '#{pane_dead} #{session_name}'")).stdout
        .split('\n')
        .filter((l) => l.startsWith('1 '))
        .map((l) => l.slice(2))
        .sort();
    const ended = await dead();
    expect(ended).toEqual(expect.arrayContaining(['clr-bad', 'clr-ok']));
    let details: string[] = [];
    const no = await runAction(
      c,
      conn,
      'clear',
      { host: h.alias },
      { dataDir, env, answerer: async (q) => ((details = q.kind === 'confirm' ? q.details : []), false) },
    );
    expect(no.verdict.outcome).toBe('declined');
    expect(details).toContain('clr-ok  finished');
    expect(details).toContain('clr-bad  crashed exit 4');
    expect(details.some((d) => d.startsWith('clr-live'))).toBe(false);
    expect(await dead()).toEqual(ended);

    const yes = await runAction(c, conn, 'clear', { host: h.alias }, { dataDir, env, assumeYes: true });
    expect(yes.verdict.outcome, yes.text).toBe('ok');
    expect(yes.verdict.summary).toBe(`cleared ${details.length} ended session(s) on gpu-1`);
    expect(await dead()).toEqual([]);
    expect((await h.run("tmux display-message -p -t '=clr-live:' '#{pane_dead}'")).stdout.trim()).toBe('0');
    expect((await h.run('cat ~/.trainyard/runs/clr-bad.log ~/.trainyard/runs/clr-bad.exit')).stdout).toMatch(
      /broke[\s\S]*4/,
    );
    // cleared is not stopped: a crashed run stays crashed
    expect((await h.run('ls ~/.trainyard/runs/clr-bad.stopped 2>&1 || true')).stdout).toMatch(/No such file/);
    await runAction(c, conn, 'stop', { host: h.alias, session: 'clr-live' }, { dataDir, env, assumeYes: true });
  });

  it('restart from a selected session finds the project in its manifest; without a checkpoint it offers a fresh start', async () => {
    const c = labConfig(lab, {
      sample: sampleProject(local, {
        train: 'python3 train.py --steps 3 --step-seconds 0 --output {run_dir}',
        checkpoints: 'checkpoint-*',
      }),
    });
    const first = await runAction(
      c,
      conn,
      'launch',
      { host: h.alias, project: 'sample', params: { session: 'fresh-1', gpus: 'all', verifyMs: 0 } },
      { dataDir, env, assumeYes: true },
    );
    expect(first.verdict.outcome, first.text).toBe('ok');
    await waitOnHost(h, 'cat ~/.trainyard/runs/fresh-1.exit 2>/dev/null', /^0$/m);
    const asked: string[] = [];
    const declined = await runAction(
      c,
      conn,
      'restart',
      { host: h.alias, session: 'fresh-1', params: { session: 'fresh-2', gpus: 'all', verifyMs: 0 } },
      { dataDir, env, answerer: async (q) => (asked.push(q.message), false) },
    );
    expect(declined.verdict.outcome).toBe('declined');
    expect(asked).toEqual([
      'No checkpoint matches checkpoint-* in /home/tytest/work/sample/outputs/fresh-1 on gpu-1. Start sample fresh instead (in the same run directory)?',
    ]);
    const fresh = await runAction(
      c,
      conn,
      'restart',
      { host: h.alias, session: 'fresh-1', params: { session: 'fresh-2', gpus: 'all', verifyMs: 0 } },
      { dataDir, env, answerer: async (q) => q.kind === 'confirm' },
    );
    expect(fresh.verdict.outcome, fresh.text).toBe('ok');
    const m = JSON.parse((await h.run('cat ~/.trainyard/runs/fresh-2.json')).stdout);
    expect(m).toMatchObject({
      project: 'sample',
      parent: 'fresh-1',
      resumedFrom: null,
      runDir: '/home/tytest/work/sample/outputs/fresh-1',
      effectiveCommand: 'python3 train.py --steps 3 --step-seconds 0 --output "${ty_run_dir}"',
    });
  });
});
