/**
 * ansi-tokenize's tokenize (what Ink's frame buffer cuts every written line into), giving the same
 * tokens faster. tokenize walks the line grapheme by grapheme with Intl.Segmenter; a line whose
 * every code unit is printable ASCII, a newline, part of an SGR sequence or a code point that is a
 * grapheme of its own (borders, bars, sparklines, Latin text: every cockpit row) is walked code
 * unit by code unit instead, each distinct SGR sequence tokenised once by tokenize itself. Any
 * other line (other escapes, emoji, combining marks) goes to tokenize.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { tokenize } from '@alcalzone/ansi-tokenize';
import { isSoloText } from '../src/text/fastStringWidth.js';

type Token = ReturnType<typeof tokenize>[number];

// the is-fullwidth-code-point that ansi-tokenize itself resolves
const fromTokenize = createRequire(import.meta.resolve('@alcalzone/ansi-tokenize'));
const isFullwidthCodePoint: (codePoint: number) => boolean = (
  await import(pathToFileURL(fromTokenize.resolve('is-fullwidth-code-point')).href)
).default;

const ESC = 0x1b;
const sgrTokenCache = new Map<string, Token[]>();

/** tokenize's tokens for one SGR sequence, each distinct sequence tokenised once. */
export function sgrTokens(code: string): Token[] {
  let tokens = sgrTokenCache.get(code);
  if (!tokens) {
    tokens = tokenize(code);
    sgrTokenCache.set(code, tokens);
  }
  return tokens;
}

/** The index of the `m` ending the SGR sequence that starts at `from` (ESC [), or -1. */
export function sgrEnd(text: string, from: number): number {
  for (let i = from + 2; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x6d) return i;
    if (c !== 0x3b && (c < 0x30 || c > 0x39)) return -1;
  }
  return -1;
}

/** The line with its SGR sequences and newlines taken out, or null when it has another escape. */
function withoutEscapes(text: string): string | null {
  let plain = '';
  let from = 0;
  for (let i = text.indexOf('\u001b'); i !== -1; i = text.indexOf('\u001b', from)) {
    const end = text.charCodeAt(i + 1) === 0x5b ? sgrEnd(text, i) : -1;
    if (end === -1) return null;
    plain += text.slice(from, i);
    from = end + 1;
  }
  return (plain + text.slice(from)).replaceAll('\n', ' ');
}

export function fastTokenize(text: string): Token[] {
  const plain = withoutEscapes(text);
  if (plain === null || !isSoloText(plain)) return tokenize(text);
  const tokens: Token[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === ESC) {
      const end = sgrEnd(text, i);
      for (const token of sgrTokens(text.slice(i, end + 1))) tokens.push({ ...token });
      i = end;
    } else tokens.push({ type: 'char', value: text[i], fullWidth: isFullwidthCodePoint(c) });
  }
  return tokens;
}
