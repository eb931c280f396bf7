import { describe, expect, test } from 'vitest';
import { lineRows, rowCount, rowText } from '../../src/logs/textRows.js';
import { lastCarriageSegment, safeJson, safeLine, safeText, sanitizeLine, stripSgr } from '../../src/text/sanitise.js';
import { displayWidth } from '../../src/text/width.js';

const ESC = '\u001b';
/** Any escape that is not an SGR colour code. */
const NON_SGR_ESCAPE = /\u001b(?!\[[0-9;]*m)/;

describe('carriage returns', () => {
  test('a line with \\r shows only its last segment', () => {
    expect(lastCarriageSegment('epoch 1:  10%\repoch 1:  50%\repoch 1: 100%')).toBe('epoch 1: 100%');
    expect(sanitizeLine(' 10%|█         |\r 20%|██        |\r 30%|███       |')).toBe(' 30%|███       |');
  });
  test('a trailing \\r (CRLF, or a bar that returns before its newline) is not an empty last segment', () => {
    expect(sanitizeLine('windows line\r')).toBe('windows line');
    expect(sanitizeLine('a\rb\r\r')).toBe('b');
    expect(sanitizeLine('\r')).toBe('');
  });
});

describe('escape sequences', () => {
  test('SGR colours are kept and closed at the end of the line', () => {
    const out = sanitizeLine(`${ESC}[31mERROR${ESC}[0m: ${ESC}[1;33mwarn`);
    expect(out).toBe(`${ESC}[31mERROR${ESC}[0m: ${ESC}[1;33mwarn${ESC}[0m`);
    expect(stripSgr(out)).toBe('ERROR: warn');
  });
  test('256-colour and truecolour SGR are kept', () => {
    expect(sanitizeLine(`${ESC}[38;5;208morange${ESC}[0m`)).toBe(`${ESC}[38;5;208morange${ESC}[0m`);
    expect(sanitizeLine(`${ESC}[38;2;1;2;3mrgb${ESC}[m`)).toBe(`${ESC}[38;2;1;2;3mrgb${ESC}[m`);
  });
  test('colours can be dropped', () => {
    expect(sanitizeLine(`${ESC}[32mok${ESC}[0m`, { keepColors: false })).toBe('ok');
  });
  test('cursor movement, erase, scroll region, mode changes never get through', () => {
    const nasty = [
      `${ESC}[2J${ESC}[Hcleared`,
      `${ESC}[1A${ESC}[2Kup and erase`,
      `${ESC}[?25lhide cursor${ESC}[?25h`,
      `${ESC}[?1049halt screen`,
      `${ESC}[5;10rscroll region`,
      `${ESC}[10;20Hmove`,
      `${ESC}7save${ESC}8restore`,
      `${ESC}cRIS reset`,
      `${ESC}(0charset`,
      `${ESC}[4:3mcurly underline${ESC}[0m`,
      `${ESC}[31;1 qcursor style`,
    ];
    for (const line of nasty) {
      const out = sanitizeLine(line);
      expect(out, JSON.stringify(line)).not.toMatch(NON_SGR_ESCAPE);
    }
    expect(sanitizeLine(`${ESC}[1A${ESC}[2Kup and erase`)).toBe('up and erase');
  });
  test('OSC (title, hyperlink, clipboard) and DCS strings are removed with their payload', () => {
    expect(sanitizeLine(`${ESC}]0;evil title\u0007text`)).toBe('text');
    expect(sanitizeLine(`${ESC}]52;c;ZXZpbA==${ESC}\\after`)).toBe('after');
    expect(sanitizeLine(`${ESC}]8;;http://x${ESC}\\link${ESC}]8;;${ESC}\\`)).toBe('link');
    expect(sanitizeLine(`${ESC}Pq#0;2;0;0;0${ESC}\\sixel gone`)).toBe('sixel gone');
    expect(sanitizeLine(`ok ${ESC}]0;unterminated`)).toBe('ok ');
  });
  test('an escape cut at the end of the line is dropped', () => {
    expect(sanitizeLine(`text${ESC}[3`)).toBe('text');
    expect(sanitizeLine(`text${ESC}`)).toBe('text');
  });
  test('other control characters and 8-bit C1 controls are removed, tabs expand to tab stops', () => {
    expect(sanitizeLine('bell\u0007 nul\u0000 bs\u0008 del\u007f')).toBe('bell nul bs del');
    expect(sanitizeLine('c1 csi \u009b2J here')).toBe('c1 csi 2J here');
    expect(sanitizeLine('a\tb')).toBe('a       b');
    expect(sanitizeLine('abcdefgh\tx')).toBe('abcdefgh        x');
    expect(sanitizeLine('日本\tx')).toBe('日本    x');
  });
  test('plain text and unicode go through untouched', () => {
    expect(sanitizeLine('step 1 loss 2.4505 lr 3.0e-04')).toBe('step 1 loss 2.4505 lr 3.0e-04');
    expect(sanitizeLine('épreuve – 損失 ✓')).toBe('épreuve – 損失 ✓');
  });
});

describe('widths and rows', () => {
  test('display width counts wide characters twice and combining marks not at all', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('損失')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('🔥')).toBe(2);
  });

  test('a long line wraps at exactly the width on a 50-column screen', () => {
    const line = 'x'.repeat(120);
    const rows = lineRows(line, { width: 50, wrap: true });
    expect(rows.map((r) => rowText(r).length)).toEqual([50, 50, 20]);
    expect(rowCount(line, 50, true)).toBe(3);
  });

  test('cut mode shows one row from the horizontal offset', () => {
    const line = Array.from({ length: 100 }, (_, i) => String(i % 10)).join('');
    expect(rowText(lineRows(line, { width: 50, wrap: false })[0])).toBe(line.slice(0, 50));
    expect(rowText(lineRows(line, { width: 50, wrap: false, hscroll: 25 })[0])).toBe(line.slice(25, 75));
    expect(rowCount(line, 50, false)).toBe(1);
  });

  test('colours continue on the next wrapped row and every coloured row ends with a reset', () => {
    const line = sanitizeLine(`${ESC}[31m${'r'.repeat(60)}${ESC}[0m tail`);
    const rows = lineRows(line, { width: 50, wrap: true }).map(rowText);
    expect(rows).toHaveLength(2);
    expect(rows[0].startsWith(`${ESC}[31m`)).toBe(true);
    expect(rows[0].endsWith(`${ESC}[0m`)).toBe(true);
    expect(rows[1].startsWith(`${ESC}[31m`)).toBe(true);
    expect(stripSgr(rows[0])).toHaveLength(50);
    expect(stripSgr(rows[1])).toBe('r'.repeat(10) + ' tail');
  });

  test('a wide character never straddles a row edge', () => {
    const line = 'a'.repeat(49) + '損失';
    const rows = lineRows(line, { width: 50, wrap: true }).map(rowText);
    expect(rows).toEqual(['a'.repeat(49), '損失']);
    const cut = rowText(lineRows('損失abc', { width: 3, wrap: false, hscroll: 1 })[0]);
    expect(cut).toBe(' 失'); // the half of 損 left of the offset shows as a blank
  });

  test('highlights split a row into segments at the match', () => {
    const rows = lineRows('step 10 loss nan lr 1', { width: 50, wrap: true, highlights: [[13, 16]] });
    expect(rows[0]).toEqual([
      { text: 'step 10 loss ', highlight: false },
      { text: 'nan', highlight: true },
      { text: ' lr 1', highlight: false },
    ]);
  });
});

/** What must never reach a terminal from a server: ESC, BEL, C1 controls, bidi overrides and isolates. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('bidi controls', () => {
  test('overrides, embeddings, isolates and marks are removed (they reorder what the user reads)', () => {
    expect(sanitizeLine('invoice\u202Etxt.exe')).toBe('invoicetxt.exe');
    expect(sanitizeLine('a\u2066b\u2067c\u2068d\u2069e\u202Af\u202Bg\u202Ch\u202Di\u200Ej\u200Fk\u061Cl')).toBe(
      'abcdefghijkl',
    );
  });
});

describe('safeLine and safeText: server text outside the log pane', () => {
  test('a name keeps its printable characters and loses every escape and control', () => {
    expect(safeLine(`python3 ${ESC}]52;c;ZXZpbA==\u0007train.py`)).toBe('python3 train.py');
    expect(safeLine(`${ESC}[31mred${ESC}[0m`)).toBe('red');
    expect(safeLine('évaluation 損失 ✓')).toBe('évaluation 損失 ✓');
  });
  test('a one-line field turns line breaks into spaces', () => {
    expect(safeLine('first\nsecond\r\nthird')).toBe('first second third');
  });
  test('multi-line text keeps its lines, each sanitised', () => {
    expect(safeText(`rsync: error\n${ESC}]8;;http://evil${ESC}\\click${ESC}]8;;${ESC}\\\nbell\u0007 done`)).toBe(
      'rsync: error\nclick\nbell done',
    );
  });
  test('a lone carriage return cannot rewind the line over what was printed', () => {
    const out = safeText('all good\rFAKE');
    expect(out).not.toContain('\r');
    expect(out).toBe('FAKE');
  });
  test('nothing unsafe survives, whatever the input', () => {
    const nasty = `a${ESC}]52;c;x\u0007b${ESC}P1$t${ESC}\\c\u009b2Jd\u009d0;t\u009ce\u202Ef\u0000g\u007f${ESC}`;
    for (const f of [safeLine, safeText, (s: string) => sanitizeLine(s, { keepColors: false })])
      expect(f(nasty)).not.toMatch(UNSAFE);
    expect(sanitizeLine(nasty)).not.toMatch(NON_SGR_ESCAPE);
  });
});

describe('safeJson', () => {
  test('JSON.stringify leaves C1 and bidi controls raw; safeJson escapes them and keeps the data exact', () => {
    const value = { name: `py\u009b2J\u202Ethon${ESC}]52;c;x\u0007`, del: '\u007f', sep: '\u2028' };
    expect(JSON.stringify(value)).toMatch(UNSAFE); // the reason safeJson exists
    const text = safeJson(value);
    expect(text).not.toMatch(UNSAFE);
    expect(text).not.toMatch(/[\u2028\u2029]/);
    expect(text).toContain('\\u009b');
    expect(JSON.parse(text)).toEqual(value);
  });
});
