import { styledCharsFromTokens, tokenize } from '@alcalzone/ansi-tokenize';
import { describe, expect, it } from 'vitest';
import { runOfChars, runOfSegments, type StyledChar } from '../../components/styledRuns.js';
import { realStringWidth } from '../../src/text/fastStringWidth.js';
import { random } from '../support/random.js';

// cockpit text and glyphs (one cell each), then what only runOfChars may judge: wide, joined and
// zero-width characters, invisible ones, controls, other escapes
const oneCell = ['gpu-node-1', ' ', '▁▂▃▅▇█', '┃│╭╮─', '●◌▸✓✗▶', '81 %', 'é±°', 'Ωλ'];
const others = [
  '中文',
  '🧪',
  'e\u0301',
  '\u200b',
  '\u00ad',
  'a\tb',
  '\u001b]8;;https://x\u0007l\u001b]8;;\u0007',
  '\u001b[31',
];
const codes = [
  '\u001b[31m',
  '\u001b[39m',
  '\u001b[1;31m',
  '\u001b[2m',
  '\u001b[1m',
  '\u001b[22m',
  '\u001b[7m',
  '\u001b[27m',
  '\u001b[38;5;208m',
  '\u001b[48;2;1;2;3m',
  '\u001b[49m',
  '\u001b[m',
  '\u001b[0m',
];

// Ink's frame buffer reads a line's characters this way (ink/build/output.js)
const inkChars = (line: string) =>
  (styledCharsFromTokens(tokenize(line)) as StyledChar[]).filter(
    (c) => !/^\p{Default_Ignorable_Code_Point}+$/u.test(c.value),
  );
const plain = (run: ReturnType<typeof runOfChars>) =>
  run && {
    ...run,
    first: run.first.map((s) => [s.code, s.endCode]),
    last: run.last.map((s) => [s.code, s.endCode]),
  };

describe('a line as a run (components/styledRuns.ts)', () => {
  it('is the same read a segment at a time as a character at a time, on 5000 random styled lines', () => {
    const next = random(5);
    // the generator's high bits: its low bits repeat every few calls
    const pick = (n: number) => Math.floor((next(2 ** 24) / 2 ** 24) * n);
    let bySegments = 0;
    for (let i = 0; i < 5000; i++) {
      let line = '';
      const simple = pick(3) > 0;
      for (let p = 1 + pick(10); p > 0; p--) {
        if (pick(2) === 0) line += codes[pick(codes.length)];
        else line += simple || pick(3) > 0 ? oneCell[pick(oneCell.length)] : others[pick(others.length)];
      }
      const fast = runOfSegments(line);
      const slow = runOfChars(inkChars(line), realStringWidth);
      if (fast !== undefined) {
        bySegments++;
        expect(plain(fast), JSON.stringify(line)).toEqual(plain(slow));
      }
      if (simple) expect(fast, JSON.stringify(line)).not.toBeUndefined();
    }
    expect(bySegments).toBeGreaterThan(3000);
  });

  it('leaves wide, joined, zero-width and invisible characters and other escapes to the characters', () => {
    for (const line of others) expect(runOfSegments(`a\u001b[31m${line}b`), JSON.stringify(line)).toBeUndefined();
    expect(runOfSegments('\u001b[31m\u001b[39m')).toBeNull();
  });
});
