import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import fastStringWidth, { realStringWidth, SOLO_RANGES } from '../../src/text/fastStringWidth.js';

// What the cockpit draws: ASCII, borders, bars, sparklines, marks, colours.
const COCKPIT = 'abc 123 │─┌┐└┘├┤▏▎▍▌▋▊▉█▁▂▃▄▅▆▇·…▶✓✗◌●○↑↓←→°±µ×é中文ｘ';
// Characters that join graphemes or have widths of their own: combining marks, joiners,
// variation selectors, emoji, Hangul jamo, controls, escapes.
const HARD = [
  '\u0301',
  '\u200d',
  '\ufe0f',
  '\u20e3',
  '👍',
  '👩‍💻',
  '🇫🇷',
  '\u1100\u1161',
  '가',
  '\t',
  '\n',
  '\u00ad',
  '\u200b',
  'ﾞ',
];
const SGR = ['\u001b[31m', '\u001b[39m', '\u001b[1m', '\u001b[7m', '\u001b[0m'];

const piece = fc.oneof(
  fc.constantFrom(...COCKPIT),
  fc.constantFrom(...HARD),
  fc.constantFrom(...SGR),
  fc.string({ unit: 'grapheme', maxLength: 3 }),
  fc.string({ unit: 'binary', maxLength: 3 }),
);

describe('fastStringWidth gives string-width’s answers', () => {
  it('on cockpit lines, hard characters, escapes and random text', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        expect(fastStringWidth(text)).toBe(realStringWidth(text));
        expect(fastStringWidth(text, { countAnsiEscapeCodes: true })).toBe(
          realStringWidth(text, { countAnsiEscapeCodes: true }),
        );
        expect(fastStringWidth(text, { ambiguousIsNarrow: false })).toBe(
          realStringWidth(text, { ambiguousIsNarrow: false }),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('for every code point it adds up itself: alone, doubled, between others (joiners go to string-width)', () => {
    const wrong: string[] = [];
    for (const [from, to] of SOLO_RANGES) {
      for (let c = from - 1; c <= to + 1; c++) {
        const ch = String.fromCharCode(c);
        for (const text of [ch, ch + ch, `a${ch}█`]) {
          if (fastStringWidth(text) !== realStringWidth(text))
            wrong.push(`U+${c.toString(16)} in ${JSON.stringify(text)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('counts a drawn row without asking string-width for the whole row', () => {
    const row = `│ gpu-node-1  ● connected  ▶2 ✓5 ✗0 ${'▁▂▃▄▅▆▇█'.repeat(4)} 81%│`;
    expect(fastStringWidth(`\u001b[7m${row}\u001b[27m`)).toBe(realStringWidth(row));
    expect(fastStringWidth(row)).toBe([...row].length);
  });
});

describe('the bin’s hook (dist/src/text/inkWidthHook.js)', () => {
  const root = path.join(import.meta.dirname, '..', '..');
  const hook = pathToFileURL(path.join(root, 'dist', 'src', 'text', 'inkWidthHook.js')).href;
  // A bordered box with a cut line of cockpit glyphs, drawn by Ink, and where `string-width` resolves.
  const script = `
    import { createElement as h } from 'react';
    const { renderToString, Box, Text } = await import('ink');
    const line = 'gpu-node-1 ▁▂▃▄▅▆▇█ 中文 ✓ ✗ ▶ 81 % · and more than fits';
    const out = renderToString(h(Box, { borderStyle: 'single', width: 30 }, h(Text, { wrap: 'truncate-end' }, line)), { columns: 40 });
    console.log(JSON.stringify({ out, resolved: import.meta.resolve('string-width') }));`;
  const draw = (withHook: boolean) =>
    JSON.parse(
      execFileSync(process.execPath, [...(withHook ? ['--import', hook] : []), '--input-type=module', '-e', script], {
        cwd: root,
        encoding: 'utf8',
      }),
    ) as { out: string; resolved: string };

  it('gives Ink fastStringWidth, and Ink draws the same frame with it', () => {
    const [fast, ink] = [draw(true), draw(false)];
    expect(fast.resolved).toMatch(/dist\/src\/text\/fastStringWidth\.js$/);
    expect(ink.resolved).not.toMatch(/fastStringWidth/);
    expect(fast.out).toBe(ink.out);
    expect(fast.out).toContain('gpu-node-1 ▁▂▃▄▅▆▇█ 中文 ✓');
  });
});
