/**
 * Ink's lineUpdate (ink/build/line-update.js of Ink 8.0.0, MIT), which repaints a changed line from
 * its first changed column, with one change: where both lines' text is made of code points that
 * are each a grapheme of their own (borders, bars, sparklines, Latin text: every cockpit row), the
 * common prefix is found code unit by code unit instead of by grapheme segmentation, which cost
 * ~0.3 ms per changed row. Same bytes out (test/components/fastLineUpdate.test.ts compares it with
 * Ink's own on cockpit rows and random edits). inkImportsHook.ts gives it to Ink's log-update.
 */
import fastStringWidth, { soloWidth } from '../src/text/fastStringWidth.js';

/** ansi-escapes' cursorTo(column) and eraseEndLine, as Ink writes them. */
const cursorTo = (column: number) => `\u001B[${column + 1}G`;
const ERASE_END_LINE = '\u001B[K';
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const sgr = /\u{1B}\[[\d;]*m/gu;
const control = /\p{Control}/u;
const printableAscii = /^[ -~]*$/u;

/**
 * The identical text prefix (at most textLimit code units of nextText): its length and columns,
 * and the columns of what follows it in each text. Where both texts are solo code points, their
 * widths are summed once and the rests are what the prefix leaves of them.
 */
function commonPrefix(
  previousText: string,
  nextText: string,
  textLimit: number,
): [length: number, column: number, previousRest: number, nextRest: number] {
  if (printableAscii.test(previousText) && printableAscii.test(nextText))
    return [textLimit, textLimit, previousText.length - textLimit, nextText.length - textLimit];
  const previousWidth = soloWidth(previousText);
  const nextWidth = soloWidth(nextText);
  let textLength = 0;
  if (previousWidth >= 0 && nextWidth >= 0) {
    const end = Math.min(textLimit, nextText.length);
    while (textLength < end && previousText[textLength] === nextText[textLength]) textLength++;
    const column = soloWidth(nextText.slice(0, textLength));
    return [textLength, column, previousWidth - column, nextWidth - column];
  }
  const previousSegments = segmenter.segment(previousText)[Symbol.iterator]();
  for (const { segment, index } of segmenter.segment(nextText)) {
    if (index + segment.length > textLimit || previousSegments.next().value?.segment !== segment) break;
    textLength = index + segment.length;
  }
  return [
    textLength,
    fastStringWidth(nextText.slice(0, textLength)),
    fastStringWidth(previousText.slice(textLength)),
    fastStringWidth(nextText.slice(textLength)),
  ];
}

export default function lineUpdate(previous: string, next: string, columns?: number): string {
  const full = cursorTo(0) + ERASE_END_LINE + next;
  if (columns === undefined || Number.isNaN(columns) || columns < 1) return full;
  let commonLength = 0;
  while (commonLength < previous.length && commonLength < next.length && previous[commonLength] === next[commonLength])
    commonLength++;
  if (commonLength === 0) return full;
  const previousText = previous.replaceAll(sgr, '');
  const nextText = next.replaceAll(sgr, '');
  if (control.test(previousText) || control.test(nextText)) return full;
  const codes = [...next.matchAll(sgr)];
  let textLimit = commonLength;
  for (const match of codes) {
    if (match.index >= commonLength) break;
    // a difference inside an SGR sequence must repaint from before that sequence
    textLimit -= Math.min(match[0].length, commonLength - match.index);
  }
  const [textLength, column, previousRest, nextRest] = commonPrefix(previousText, nextText, textLimit);
  if (column === 0 || column >= columns || column + previousRest > columns || column + nextRest > columns) return full;
  let offset = textLength;
  let styles = '';
  for (const match of codes) {
    if (match.index > offset || match.index + match[0].length > commonLength) break;
    offset += match[0].length;
    styles += match[0];
  }
  const partial = cursorTo(column) + ERASE_END_LINE + styles + next.slice(offset);
  return partial.length < full.length ? partial : full;
}
