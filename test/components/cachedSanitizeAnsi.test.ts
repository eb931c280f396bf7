import { describe, expect, it } from 'vitest';
import { inkSanitizeAnsi, rememberingSanitiser } from '../../components/cachedSanitizeAnsi.js';

const ESC = '\u001b';
/** What a server or a cockpit row can hand Ink: styles, cursor moves, OSC links, C1 controls, marks. */
const TEXTS = [
  '',
  'plain text',
  `${ESC}[32m▶3${ESC}[39m ${ESC}[2m✓1${ESC}[22m`,
  `${ESC}[7m inverse row ${ESC}[27m`,
  `cursor ${ESC}[5;7Hmoved ${ESC}[2Jcleared ${ESC}[?25lhidden`,
  `${ESC}]8;;https://example.com${ESC}\\link${ESC}]8;;${ESC}\\`,
  `colon ${ESC}[38:2::255:0:0mred${ESC}[4:3mcurly${ESC}[58:5:1munder${ESC}[0m`,
  `${ESC}[31m\u0301mark after a style`,
  'bell\u0007 back\b del\u007f tab\tnewline\n',
  '\u009b31mC1 CSI\u009b0m and \u009d0;title\u009c',
  'wide 漢字 and emoji 🚀',
];

describe('cachedSanitizeAnsi: Ink’s sanitizeAnsi with a memory', () => {
  it('answers exactly as Ink’s own, the first time, from memory, and after being forgotten', () => {
    const remembering = rememberingSanitiser(inkSanitizeAnsi, 4);
    for (let round = 0; round < 3; round++)
      for (const text of TEXTS) expect(remembering(text), JSON.stringify(text)).toBe(inkSanitizeAnsi(text));
  });

  it('sanitises a text once while it keeps coming back, and forgets what two generations did not ask for', () => {
    const calls: string[] = [];
    const remembering = rememberingSanitiser((text) => {
      calls.push(text);
      return text.toUpperCase();
    }, 3);
    for (let frame = 0; frame < 5; frame++) expect(remembering('row')).toBe('ROW');
    expect(calls).toEqual(['row']);
    // 'row' fills the first generation with two more; 'row' is still remembered from the one before
    for (const text of ['a', 'b', 'c', 'd']) remembering(text);
    expect(remembering('row')).toBe('ROW');
    expect(calls.filter((t) => t === 'row')).toHaveLength(1);
    // seven other texts later, two generations have passed without it
    for (const text of ['e', 'f', 'g', 'h', 'i', 'j', 'k']) remembering(text);
    expect(remembering('row')).toBe('ROW');
    expect(calls.filter((t) => t === 'row')).toHaveLength(2);
  });
});
