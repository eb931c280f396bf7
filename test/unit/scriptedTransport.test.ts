/** The scripted fake transport itself: it answers in order and fails on anything off script. */
import { describe, expect, it } from 'vitest';
import { argvCommand } from '../../src/commands/value.js';
import { ScriptedTransport } from '../support/scriptedTransport.js';

const probe = { argv: ['bash', '-c', 'echo hi', 'trainyard-probe', 'x'], purpose: 'look' };

describe('ScriptedTransport', () => {
  it('answers expected commands in order, by script name, program, pattern or predicate', async () => {
    const t = new ScriptedTransport()
      .expect('trainyard-probe', { stdout: 'one' })
      .expect('tmux', { code: 1 })
      .expect(/nvidia-smi --query/, { stdout: 'gpu' })
      .expect(
        (c) => c.argv[0] === 'mkdir',
        (c) => ({ stdout: c.argv.join(' ') }),
      );
    expect(await t.exec(probe)).toEqual({ stdout: 'one', stderr: '', code: 0 });
    expect((await t.exec(argvCommand(['tmux', 'ls']))).code).toBe(1);
    expect((await t.exec(argvCommand(['nvidia-smi', '--query-gpu=index']))).stdout).toBe('gpu');
    expect((await t.exec(argvCommand(['mkdir', '-p', '/w']))).stdout).toBe('mkdir -p /w');
    expect(t.calls).toHaveLength(4);
    expect(() => t.verify()).not.toThrow();
  });

  it('an unexpected command throws and fails verify(), even when the caller swallowed the error', async () => {
    const t = new ScriptedTransport().expect('trainyard-launch');
    await expect(t.exec(probe)).rejects.toThrow(/unexpected exec trainyard-probe .*expected exec trainyard-launch/);
    expect(() => t.verify()).toThrow(/unexpected exec trainyard-probe/);
  });

  it('an expectation never used fails verify()', async () => {
    const t = new ScriptedTransport().expect('trainyard-probe').expect('trainyard-launch');
    await t.exec(probe);
    expect(() => t.verify()).toThrow(/expected exec trainyard-launch was never run/);
  });

  it('streams play their lines and end, or stay open for the test to feed and see cancelled', async () => {
    const t = new ScriptedTransport();
    t.expectStream('trainyard-smoke', { lines: ['a', 'b'], errLines: ['e'], result: { code: 3 } });
    const live = t.expectStream('tail', { live: true });
    const seen: string[] = [];
    const played = t.stream(
      { argv: ['bash', '-c', ':', 'trainyard-smoke'] },
      { onLine: (l) => seen.push(l), onErrLine: (l) => seen.push(`err ${l}`) },
    );
    expect((await played.done).code).toBe(3);
    expect(seen).toEqual(['a', 'b', 'err e']);
    live.line('queued before it opened');
    const handle = t.stream(argvCommand(['tail', '-f', 'x']), { onLine: (l) => seen.push(l) });
    await live.opened;
    live.line('c');
    expect(seen.slice(3)).toEqual(['queued before it opened', 'c']);
    handle.cancel();
    expect(live.cancelled).toBe(true);
    expect((await handle.done).code).toBeNull();
    t.verify();
  });
});
