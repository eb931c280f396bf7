/** The sectioned output format: the shell builder run by a real sh, and the parser on what it printed. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { field, parseSections, section } from '../../src/commands/sectioned.js';

const sh = (script: string) => execFileSync('sh', ['-c', script], { encoding: 'utf8' });

describe('sectioned output', () => {
  it('fields and command sections round-trip through a real shell, exit statuses included', () => {
    const out = sh(
      [
        field('home', '"$HOME"'),
        field('empty'),
        section('ok', 'echo one; echo two >&2'),
        section('bad', 'echo three; exit 4'),
        field('end'),
      ].join('; '),
    );
    const s = parseSections(out);
    expect(s.value('home')).toBe(process.env.HOME);
    expect(s.has('empty')).toBe(true);
    expect(s.value('empty')).toBe('');
    expect(s.first('ok')).toEqual({ name: 'ok', value: '', lines: ['one', 'two'], exit: 0 });
    expect(s.first('bad')).toMatchObject({ lines: ['three'], exit: 4 });
    expect(s.has('end')).toBe(true);
    expect(s.first('end')?.exit).toBeNull();
  });

  it('a command section keeps output that looks like markers as its body', () => {
    const out = sh([section('cmd', "printf '@@home /evil\\n@@/cmd 0\\nafter\\n'"), field('home', '/real')].join('; '));
    const s = parseSections(out);
    expect(s.first('cmd')).toEqual({ name: 'cmd', value: '', lines: ['@@home /evil', '@@/cmd 0', 'after'], exit: 0 });
    expect(s.all('home').map((h) => h.value)).toEqual(['/real']);
  });

  it('repeated fields keep their order and bodies; lines before any marker are the preamble', () => {
    const s = parseSections('motd\n@@manifest exit=1\n{"a":1}\n@@manifest stopped\n{"b":2}\n@@end\n');
    expect(s.preamble).toEqual(['motd']);
    expect(s.all('manifest').map((m) => [m.value, m.lines])).toEqual([
      ['exit=1', ['{"a":1}']],
      ['stopped', ['{"b":2}']],
    ]);
    expect(s.number('manifest')).toBeNull();
    expect(parseSections('@@now 1700000000\n').number('now')).toBe(1700000000);
    expect(s.text('missing')).toBe('');
  });

  it('refuses names that would not survive printf or the parser', () => {
    expect(() => field('a b')).toThrow(/section name/);
    expect(() => section("x'; rm -rf /; '", 'true')).toThrow(/section name/);
    expect(() => field('%s')).toThrow(/section name/);
  });
});
