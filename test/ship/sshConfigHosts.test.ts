import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandGlob, listSshConfigHosts, splitConfigLine } from '../../src/cli/init/sshConfigHosts.js';

const home = mkdtempSync(path.join(tmpdir(), 'ty-sshcfg-'));
mkdirSync(path.join(home, '.ssh', 'conf.d'), { recursive: true });
afterAll(() => rmSync(home, { recursive: true, force: true }));
function write(rel: string, text: string): string {
  const file = path.join(home, rel);
  writeFileSync(file, text);
  return file;
}

describe('the concrete Host aliases of an ssh_config', () => {
  it('splits lines as ssh does: Key value, Key=value, quoted words, comments', () => {
    expect(splitConfigLine('  Host gpu-a "lab box" ')).toEqual({ keyword: 'host', args: ['gpu-a', 'lab box'] });
    expect(splitConfigLine('HOST=gpu-b')).toEqual({ keyword: 'host', args: ['gpu-b'] });
    expect(splitConfigLine('# Host commented')).toBeNull();
    expect(splitConfigLine('')).toBeNull();
  });

  it('lists concrete aliases in file order, once, and says why patterns, negations and option-like names are not hosts', () => {
    const file = write(
      'plain',
      [
        'Host *',
        '  ServerAliveInterval 10',
        'Host gpu-a gpu-b !gpu-c',
        '  HostName 10.0.0.1',
        'Host *.lab gpu-?',
        'Host gpu-a',
        'Host -oProxyCommand=x local',
        'Match host gpu-z',
        '  User me',
        'Host gpu.example.com',
      ].join('\n'),
    );
    const r = listSshConfigHosts(file, home);
    expect(r.aliases).toEqual(['gpu-a', 'gpu-b', 'gpu.example.com']);
    expect(r.skipped).toEqual([
      { word: '*', why: 'a pattern, not a host' },
      { word: '!gpu-c', why: 'a negation, not a host' },
      { word: '*.lab', why: 'a pattern, not a host' },
      { word: 'gpu-?', why: 'a pattern, not a host' },
      { word: '-oProxyCommand=x', why: 'not a name trainyard can pass to ssh' },
      { word: 'local', why: '"local" is this machine in trainyard' },
    ]);
  });

  it('follows Include: globs in sorted order, ~, paths relative to ~/.ssh, missing files skipped, nested includes', () => {
    write('.ssh/conf.d/20-b.conf', 'Host beta\n');
    write('.ssh/conf.d/10-a.conf', 'Host alpha\nInclude ~/nested.conf\n');
    write('nested.conf', 'Host nested\n');
    write('.ssh/conf.d/.hidden', 'Host hidden\n');
    const main = write('main', 'Host first\nInclude conf.d/*.conf /nonexistent/*.conf ~/missing.conf\nHost last\n');
    const r = listSshConfigHosts(main, home);
    expect(r.aliases).toEqual(['first', 'alpha', 'nested', 'beta', 'last']);
    expect(r.files.map((f) => path.relative(home, f))).toEqual([
      'main',
      '.ssh/conf.d/10-a.conf',
      'nested.conf',
      '.ssh/conf.d/20-b.conf',
    ]);
  });

  it('refuses an Include loop instead of recursing forever', () => {
    const loop = write('loop', `Host x\nInclude ${path.join(home, 'loop')}\n`);
    expect(() => listSshConfigHosts(loop, home)).toThrow(/nested more than 16 deep/);
  });

  it('expands glob segments anywhere in the path', () => {
    mkdirSync(path.join(home, 'g1', 'sub'), { recursive: true });
    mkdirSync(path.join(home, 'g2', 'sub'), { recursive: true });
    write('g1/sub/c', '');
    write('g2/sub/c', '');
    expect(expandGlob(path.join(home, 'g?', 'sub', '*')).map((f) => path.relative(home, f))).toEqual([
      'g1/sub/c',
      'g2/sub/c',
    ]);
  });
});
