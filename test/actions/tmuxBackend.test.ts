/** The tmux backend's read-only answers through the scripted transport: where a run's log is, whether it is alive. */
import { describe, expect, it } from 'vitest';
import { transportExec } from '../../src/backends/runBackend.js';
import { tmuxBackend } from '../../src/backends/tmux/tmuxBackend.js';
import { ScriptedTransport } from '../support/scriptedTransport.js';

describe('tmux backend', () => {
  it("finds a run's log in its manifest; no manifest is no log; a lost answer says so", async () => {
    const t = new ScriptedTransport()
      .expect('trainyard-manifest', (c) => {
        expect(c.argv.at(-1)).toBe('r 1; $(x)'); // the session name arrives as data
        return { stdout: JSON.stringify({ session: 'r 1; $(x)', log: '/h/.trainyard/runs/r1.log' }) + '\n' };
      })
      .expect('trainyard-manifest', { stdout: '' })
      .expect('trainyard-manifest', { code: null, stderr: 'channel closed' });
    const exec = transportExec(t);
    expect(await tmuxBackend.logPath(exec, 'gpu-a', 'r 1; $(x)')).toEqual({
      kind: 'found',
      path: '/h/.trainyard/runs/r1.log',
    });
    expect(await tmuxBackend.logPath(exec, 'gpu-a', 'gone')).toEqual({ kind: 'none' });
    expect(await tmuxBackend.logPath(exec, 'gpu-a', 'r1')).toEqual({ kind: 'unreadable', why: 'channel closed' });
    t.verify();
  });

  it('tells a running run from one that ended (with its status) and from no session at all', async () => {
    const t = new ScriptedTransport()
      .expect('tmux', { stdout: '0 \n' })
      .expect('tmux', { stdout: '1 3\n' })
      .expect('tmux', { code: 1, stderr: "can't find session" });
    const exec = transportExec(t);
    expect(await tmuxBackend.liveState(exec, 'gpu-a', 'r1')).toEqual({ kind: 'running' });
    expect(await tmuxBackend.liveState(exec, 'gpu-a', 'r1')).toEqual({ kind: 'ended', exitCode: 3 });
    expect(await tmuxBackend.liveState(exec, 'gpu-a', 'r1')).toEqual({ kind: 'absent' });
    t.verify();
  });
});
