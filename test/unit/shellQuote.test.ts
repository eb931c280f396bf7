import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shJoin, shQuote } from '../../src/shell/quote.js';

const hostile = ["it's", 'a b', '$(touch /tmp/ty-pwned)', '`touch /tmp/ty-pwned`', 'x; touch /tmp/ty-pwned', 'line1\nline2', '', '"dq"', '\\back', '*', '-n'];

describe('shQuote', () => {
  it.each(hostile)('a real sh gets %j back unchanged', (value) => {
    const echoed = execFileSync('sh', ['-c', `printf '%s' ${shQuote(value)}`], { encoding: 'utf8' });
    expect(echoed).toBe(value);
  });

  it('joins argv so that each element stays one argument', () => {
    const out = execFileSync('sh', ['-c', `for a in ${shJoin(hostile)}; do printf '[%s]' "$a"; done`], { encoding: 'utf8' });
    expect(out).toBe(hostile.map((h) => `[${h}]`).join(''));
  });

  it('leaves plain words readable', () => {
    expect(shJoin(['nvidia-smi', '--format=csv,noheader', '-lms', '1000'])).toBe('nvidia-smi --format=csv,noheader -lms 1000');
  });
});
