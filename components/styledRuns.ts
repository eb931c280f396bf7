/**
 * A line of the frame as a run: every character one cell wide, serialised the way ansi-tokenize's
 * styledCharsToString serialises it, without the opening and closing codes (the frame buffer adds
 * those where rows join). A cockpit line of SGR sequences and one-cell text is read a segment of
 * one style at a time, with no object per character; any other line character by character.
 */
import { ansiCodesToString, diffAnsiCodes, reduceAnsiCodesIncremental } from '@alcalzone/ansi-tokenize';
import { isOneCellEach } from '../src/text/fastStringWidth.js';
import { sgrEnd, sgrTokens } from './fastTokenize.js';

export type Style = { code: string; endCode: string };
export type StyledChar = { type: 'char'; value: string; fullWidth: boolean; styles: Style[] };
/** A line whose characters are one cell each, serialised without its opening and closing codes. */
export type Run = { first: Style[]; last: Style[]; inner: string; cells: number } | null;

export const NO_STYLE: Style[] = [];
const sameStyle = (a: Style[], b: Style[]) =>
  a === b || (a.length === b.length && a.every((s, i) => s.code === b[i].code && s.endCode === b[i].endCode));
/** The codes styledCharsToString puts between a character styled `from` and one styled `to`. */
export const transition = (from: Style[] | null, to: Style[]) =>
  from === null
    ? ansiCodesToString(to as never)
    : sameStyle(from, to)
      ? ''
      : ansiCodesToString(diffAnsiCodes(from as never, to as never));

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;

/**
 * The run of a line made only of SGR sequences and characters one cell wide, from its segments:
 * the characters of a segment share one style, so codes go only where segments meet. Undefined
 * for any other line (other escapes, wide, zero-width or invisible characters): runOfChars decides.
 */
export function runOfSegments(line: string): Run | undefined {
  if (IGNORABLE.test(line)) return undefined;
  let codes: Style[] = NO_STYLE;
  let first: Style[] | undefined;
  let last = NO_STYLE;
  let inner = '';
  let cells = 0;
  for (let from = 0; ; ) {
    const esc = line.indexOf('\u001b', from);
    const to = esc === -1 ? line.length : esc;
    if (to > from) {
      const text = line.slice(from, to);
      if (!isOneCellEach(text)) return undefined;
      if (first === undefined) first = codes;
      else inner += transition(last, codes);
      inner += text;
      last = codes;
      cells += text.length;
    }
    if (esc === -1) break;
    const end = line.charCodeAt(esc + 1) === 0x5b ? sgrEnd(line, esc) : -1;
    if (end === -1) return undefined;
    for (const token of sgrTokens(line.slice(esc, end + 1))) {
      if (token.type !== 'ansi') return undefined;
      codes = reduceAnsiCodesIncremental(codes as never, [token]) as Style[];
    }
    from = end + 1;
  }
  return first === undefined ? null : { first, last, inner, cells };
}

/** The run of a line from its styled characters, or null when one is not exactly one cell wide. */
export function runOfChars(chars: StyledChar[], widthOf: (text: string) => number): Run {
  if (chars.length === 0) return null;
  let inner = '';
  for (let i = 0; i < chars.length; i++) {
    if (chars[i].fullWidth || widthOf(chars[i].value) !== 1) return null;
    if (i > 0) inner += transition(chars[i - 1].styles, chars[i].styles);
    inner += chars[i].value;
  }
  return { first: chars[0].styles, last: chars[chars.length - 1].styles, inner, cells: chars.length };
}
