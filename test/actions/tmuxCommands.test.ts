/** Pure unit tests of the tmux and remote command builders: argv values, nothing runs. */
import { describe, expect, it } from 'vitest';
import {
  attachArgv,
  newWindowAttachArgv,
  paneTarget,
  sessionNameProblem,
  sessionTarget,
  tmuxArg,
  tmuxFormatLiteral,
} from '../../src/backends/tmux/tmuxArgs.js';
import { hostProbeCommand, launchCommand, stopCommand } from '../../src/backends/tmux/tmuxCommands.js';
import { gitCommands } from '../../src/commands/git.js';
import { listCheckpointsCommand, writeSecretsCommand } from '../../src/commands/projectCommands.js';
import { describeCommand, remoteCommandLine } from '../../src/commands/value.js';
import { secretsFile } from '../../src/runs/layout.js';
import { shJoin } from '../../src/shell/quote.js';

describe('tmux values', () => {
  it('escapes a trailing ";" and doubles "#" where tmux expands formats', () => {
    expect(tmuxArg('a;')).toBe('a\\;');
    expect(tmuxArg('a;b')).toBe('a;b');
    expect(tmuxFormatLiteral('x #(touch y);')).toBe('x ##(touch y)\\;');
    expect(sessionTarget('run;')).toBe('=run\\;');
    expect(paneTarget('run;')).toBe('=run;:');
  });

  it('refuses names tmux would change, allows shell syntax (it is only data)', () => {
    for (const ok of ['train01', 'mnist-3f2a', 'a b $(c) `d` ; \'e\' "f" #(g) | & !'])
      expect(sessionNameProblem(ok)).toBeNull();
    for (const bad of [
      '',
      'a.b',
      'a:b',
      'a/b',
      'a\\b',
      '-a',
      '$1',
      '@1',
      '%1',
      '=a',
      '~a',
      'a\nb',
      'a\tb',
      'x'.repeat(201),
    ])
      expect(sessionNameProblem(bad)).not.toBeNull();
  });

  it('attach: ssh -F cfg -t -- alias, the remote tmux command as one quoted argument', () => {
    expect(attachArgv('/c', 'gpu-a', "my run's")).toEqual([
      'ssh',
      '-F',
      '/c',
      '-t',
      '--',
      'gpu-a',
      `tmux attach-session -t '=my run'\\''s'`,
    ]);
    const nw = newWindowAttachArgv('/c', 'gpu-a', 'r#1');
    expect(nw.slice(0, 4)).toEqual(['tmux', 'new-window', '-n', 'r##1@gpu-a']);
    expect(nw[4]).toBe(shJoin(attachArgv('/c', 'gpu-a', 'r#1')));
  });
});

describe('remote command values', () => {
  it('pass values as positional parameters of a fixed script', () => {
    const probe = hostProbeCommand('gpu-a', '~/work/$(x)');
    expect(probe.argv.slice(0, 2)).toEqual(['bash', '-c']);
    expect(probe.argv.slice(3, 5)).toEqual(['trainyard-probe', '~/work/$(x)']);
    expect(probe.readOnly).toBe(true);
    const ck = listCheckpointsCommand('gpu-a', '/w/p', 'outputs/checkpoint-*');
    expect(ck.argv.slice(3)).toEqual(['trainyard-checkpoints', '/w/p', 'outputs/checkpoint-*']);
    const stop = stopCommand('gpu-a', 'run;', 2.5);
    expect(stop.argv.slice(3)).toEqual(['trainyard-stop', 'run;', '=run\\;', '=run;:', '25']);
  });

  it('launch: payloads on stdin (base64 lines), only the script path reaches tmux, secrets never in argv or dry run', () => {
    const cmd = launchCommand('gpu-a', {
      session: 'r1',
      home: '/home/u',
      manifestJson: '{"session":"r1"}',
      scriptText: 'echo hi\n',
      secrets: { file: secretsFile('/home/u', 'proj'), text: "export KEY='s3cret-value'\n", names: ['KEY'] },
    });
    const line = remoteCommandLine(cmd);
    expect(line).not.toContain('s3cret');
    expect(cmd.argv.slice(3)).toEqual([
      'trainyard-launch',
      'r1',
      'r1',
      '=r1',
      '=r1:',
      '/home/u/.trainyard/runs',
      '/home/u/.trainyard/secrets/proj.env',
    ]);
    expect(cmd.argv[2]).toContain('tmux new-session -d -s "$2" -- bash "$runs/$s.sh"');
    const [m, s, k] = (cmd.stdin ?? '').split('\n');
    expect(Buffer.from(m, 'base64').toString()).toBe('{"session":"r1"}');
    expect(Buffer.from(s, 'base64').toString()).toBe('echo hi\n');
    expect(Buffer.from(k, 'base64').toString()).toContain('s3cret-value');
    const dry = describeCommand(cmd);
    expect(dry).not.toContain('s3cret');
    expect(dry).toContain('1 secret variable(s) KEY — values not shown');
    expect(dry).toContain('#   | echo hi');
    const sec = writeSecretsCommand('gpu-a', '/home/u/.trainyard/secrets/p.env', "export K='v4lue'\n", ['K']);
    expect(remoteCommandLine(sec)).not.toContain('v4lue');
    expect(describeCommand(sec)).not.toContain('v4lue');
  });

  it('git queries are read-only argv', () => {
    expect(gitCommands.head('/p')).toMatchObject({
      argv: ['git', '-C', '/p', 'rev-parse', '--verify', '-q', 'HEAD'],
      readOnly: true,
    });
  });
});
