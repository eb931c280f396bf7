/**
 * Ink's `string-width`, giving the same answers faster. Ink measures every line of the frame with it
 * on every frame, and on a line holding one non-ASCII glyph (a border, a bar, a sparkline) it
 * segments the whole line into graphemes and runs an emoji regex on each: most of a frame's cost.
 *
 * Here a line whose every code point is its own grapheme (no combining marks, joiners, variation
 * selectors, Hangul jamo, astral characters or controls) is the sum of its code points' widths, each
 * asked of `string-width` once and remembered. Anything else goes to `string-width` itself. The
 * bin (`bin/trainyard.js`) points Ink's imports of `string-width` here.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

type StringWidth = (text: string, options?: { ambiguousIsNarrow?: boolean; countAnsiEscapeCodes?: boolean }) => number;
type StripAnsi = (text: string) => string;

// The string-width Ink itself resolves (ink's own nested copy, or the hoisted one).
const fromInk = createRequire(createRequire(import.meta.url).resolve('ink'));
const widthPath = fromInk.resolve('string-width');
const stripPath = createRequire(widthPath).resolve('strip-ansi');
export const realStringWidth = ((await import(pathToFileURL(widthPath).href)) as { default: StringWidth }).default;
const stripAnsi = ((await import(pathToFileURL(stripPath).href)) as { default: StripAnsi }).default;

/**
 * Non-ASCII BMP ranges in which every code point is a grapheme of its own: Latin-1 to spacing
 * modifiers, Greek, Cyrillic letters, general punctuation without its format characters,
 * super/subscripts and currency, letterlike symbols through dingbats, arrows, box drawing and
 * blocks, CJK ideographs, fullwidth forms.
 */
export const SOLO_RANGES: readonly [number, number][] = [
  [0x00a0, 0x02ff],
  [0x0370, 0x03ff],
  [0x0400, 0x0482],
  [0x2010, 0x2027],
  [0x2030, 0x205e],
  [0x2070, 0x20cf],
  [0x2100, 0x2bff],
  [0x4e00, 0x9fff],
  [0xff01, 0xff60],
  [0xffe0, 0xffe6],
];

const UNKNOWN = -1;
const NOT_SOLO = -2;
/** Width of each BMP code point once asked; NOT_SOLO outside SOLO_RANGES. */
const widths = new Int8Array(0x10000).fill(NOT_SOLO);
for (const [from, to] of SOLO_RANGES) widths.fill(UNKNOWN, from, to + 1);
for (let c = 0x20; c <= 0x7e; c++) widths[c] = 1;

/** Width of a code unit that is a solo code point (asked of string-width once), else NOT_SOLO. */
function codeUnitWidth(c: number): number {
  let w = widths[c];
  if (w === UNKNOWN) {
    w = realStringWidth(String.fromCharCode(c));
    widths[c] = w;
  }
  return w;
}

/** Columns of `text` when every code unit is a solo code point, else -1. */
export function soloWidth(text: string): number {
  let total = 0;
  for (let i = 0; i < text.length; i++) {
    const w = codeUnitWidth(text.charCodeAt(i));
    if (w === NOT_SOLO) return -1;
    total += w;
  }
  return total;
}

/** Whether every code unit of `text` is a code point that is a grapheme of its own and one column wide. */
export function isOneCellEach(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (codeUnitWidth(text.charCodeAt(i)) !== 1) return false;
  return true;
}

/** Whether every code unit of `text` is a code point that is a grapheme of its own (no escapes). */
export function isSoloText(text: string): boolean {
  return soloWidth(text) >= 0;
}

export default function fastStringWidth(text: string, options?: Parameters<StringWidth>[1]): number {
  if (typeof text !== 'string' || text.length === 0) return 0;
  if (options?.ambiguousIsNarrow === false) return realStringWidth(text, options);
  // Escapes are controls, which soloWidth refuses: counting them is string-width's job.
  const plain =
    !options?.countAnsiEscapeCodes && (text.includes('\u001B') || text.includes('\u009B')) ? stripAnsi(text) : text;
  const w = soloWidth(plain);
  return w >= 0 ? w : realStringWidth(text, options);
}
