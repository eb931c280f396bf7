import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loginShellLine, shJoin, shQuote } from '../../src/shell/quote.js';

const hostile = [
  "it's",
  'a b',
  '$(touch /tmp/ty-pwned)',
  '`touch /tmp/ty-pwned`',
  'x; touch /tmp/ty-pwned',
  'line1\nline2',
  '',
  '"dq"',
  '\\back',
  '*',
  '-n',
];

describe('shQuote', () => {
  it.each(hostile)('a real sh gets %j back unchanged', (value) => {
    const echoed = execFileSync('sh', ['-c', `printf '%s' ${shQuote(value)}`], { encoding: 'utf8' });
    expect(echoed).toBe(value);
  });

  it('joins argv so that each element stays one argument', () => {
    const out = execFileSync('sh', ['-c', `for a in ${shJoin(hostile)}; do printf '[%s]' "$a"; done`], {
      encoding: 'utf8',
    });
    expect(out).toBe(hostile.map((h) => `[${h}]`).join(''));
  });

  it('leaves plain words readable', () => {
    expect(shJoin(['nvidia-smi', '--format=csv,noheader', '-lms', '1000'])).toBe(
      'nvidia-smi --format=csv,noheader -lms 1000',
    );
  });
});

describe('loginShellLine', () => {
  const args = [...hostile, '!!', 'a!b', '\\0121', '%s %d', 'ünï ✓', 'tab\there', 'trailing\\'];
  const line = loginShellLine(['printf', '[%s]\\n', ...args]);

  it('holds only characters every login shell reads literally inside single quotes', () => {
    const inner = /^sh -c 'eval "\$\(printf "(.*)"\)"'$/.exec(line)?.[1];
    expect(inner).toBeDefined();
    expect(inner).toMatch(/^(?:[A-Za-z0-9_./,:=+@ -]|\\[0-7]{3})*$/);
  });

  it.each(
    ['/bin/sh', '/bin/bash', '/usr/bin/dash', '/usr/bin/zsh', '/usr/bin/fish', '/usr/bin/tcsh'].filter((s) =>
      existsSync(s),
    ),
  )('means the same as `%s -c LINE` (run here)', (shell) => {
    expect(execFileSync(shell, ['-c', line], { encoding: 'utf8', cwd: '/' })).toBe(
      args.map((a) => `[${a}]\n`).join(''),
    );
  });
});
