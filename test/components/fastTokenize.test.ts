import { tokenize } from '@alcalzone/ansi-tokenize';
import { describe, expect, it } from 'vitest';
import { fastTokenize } from '../../components/fastTokenize.js';
import { random } from '../support/random.js';

// cockpit glyphs and text, then what must go to tokenize itself: wide and joined graphemes,
// combining marks, CR LF, other escapes (OSC link, C1 CSI, a lone ESC, an unfinished SGR)
const pieces = [
  'gpu-node-1',
  ' ',
  '▁▂▃▅▇█',
  '┃│╭╮',
  '●◌▸',
  '81%',
  '中文',
  'ｶﾀｶﾅ',
  '\n',
  '🧪',
  '👩‍🔬',
  'e\u0301',
  '\u200b',
  '\r\n',
  'a\tb',
  '\u001b]8;;https://x\u0007link\u001b]8;;\u0007',
  '\u009b31m',
  '\u001bX',
  '\u001b[31',
];
const codes = [
  '\u001b[31m',
  '\u001b[39m',
  '\u001b[1;31m',
  '\u001b[38;5;208m',
  '\u001b[48;2;1;2;3m',
  '\u001b[m',
  '\u001b[22m',
  '\u001b[0m',
];

describe('fastTokenize (components/fastTokenize.ts) gives the tokens tokenize gives', () => {
  it('on 5000 random lines of cockpit glyphs, styles and the things it must leave to tokenize', () => {
    const next = random(11);
    let fast = 0;
    for (let i = 0; i < 5000; i++) {
      let line = '';
      const simple = next(2) === 0; // half of them only what the fast walk takes
      for (let p = 1 + next(10); p > 0; p--)
        line += next(3) === 0 ? codes[next(codes.length)] : pieces[next(simple ? 9 : pieces.length)];
      expect(fastTokenize(line), JSON.stringify(line)).toEqual(tokenize(line));
      if (simple) fast++;
    }
    expect(fast).toBeGreaterThan(2000);
  });
});
