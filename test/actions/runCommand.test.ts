/**
 * Running remote command values (runCommand): a retryable command run again when its exit status
 * was lost, a lost status or dropped connection named, and dry runs that print but still run
 * read-only queries. Over the scripted fake transport.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/actions/execute.js';
import { commandLine } from '../../src/commands/value.js';
import { ScriptedTransport } from '../support/scriptedTransport.js';

describe('running remote command values', () => {
  const io = (t: ScriptedTransport) => ({
    dryRun: false,
    signal: new AbortController().signal,
    output: () => {},
    transport: t,
  });

  it('runs a retryable command again when its exit status was lost on a live connection', async () => {
    const t = new ScriptedTransport()
      .expect((c) => commandLine(c) === "mkdir -p -- '/a b'", { code: null })
      .expect('mkdir', { code: 0 });
    const r = await runCommand(io(t), {
      where: 'remote',
      host: 'h',
      argv: ['mkdir', '-p', '--', '/a b'],
      purpose: 'mkdir',
      idempotent: true,
    });
    expect(r.code).toBe(0);
    t.verify();
  });

  it('says so for a command that must not run twice, and names a dropped connection', async () => {
    const once = new ScriptedTransport().expect('x', { code: null });
    await expect(
      runCommand(io(once), { where: 'remote', host: 'h', argv: ['x'], purpose: 'start it' }),
    ).rejects.toMatchObject({ cause_: 'lost-exit-status' });
    once.verify();
    const dropped = new ScriptedTransport().expect('x', { code: null });
    dropped.info = { state: 'reconnecting', error: 'connection lost: reset' };
    await expect(
      runCommand(io(dropped), { where: 'remote', host: 'h', argv: ['x'], purpose: 'start it', readOnly: true }),
    ).rejects.toThrow('h: the connection dropped while running "start it" (connection lost: reset)');
    dropped.verify(); // read-only, but not asked again over a dropped link
    const killed = new ScriptedTransport().expect('x', { code: null, signal: 'SIGTERM' });
    expect((await runCommand(io(killed), { where: 'remote', host: 'h', argv: ['x'], purpose: 'p' })).signal).toBe(
      'SIGTERM',
    );
    killed.verify();
  });

  it('prints instead of running in a dry run, but runs read-only queries', async () => {
    const printed: string[] = [];
    const t = new ScriptedTransport().expect('ls'); // rm is never sent
    const dry = { ...io(t), dryRun: true, output: (l: string) => printed.push(l) };
    expect(
      await runCommand(dry, { where: 'remote', host: 'h', argv: ['rm', '-rf', '/x'], purpose: 'remove' }),
    ).toMatchObject({ dry: true, code: 0 });
    await runCommand(dry, { where: 'remote', host: 'h', argv: ['ls'], purpose: 'look', readOnly: true });
    t.verify();
    expect(printed).toEqual(['# remove', '[h] rm -rf /x', '# look (read-only)', '[h] ls']);
  });
});
