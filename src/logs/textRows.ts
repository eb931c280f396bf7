/**
 * Cuts a sanitised log line (printable text plus SGR codes) into screen rows of a given width:
 * wrapped (hard wrap at the column, as terminals and `less` do) or cut to one row with a
 * horizontal offset. Colours continue across wrapped rows; every row that carries a colour ends
 * with a reset, so no style bleeds into the next row or the rest of the screen.
 */
import { charWidth } from '../text/width.js';

const RESET = '\u001b[0m';
const SGR_AT = /\u001b\[[0-9;]*m/y;

export interface RowSegment {
  text: string;
  /** Part of a search match. */
  highlight: boolean;
}
export type Row = RowSegment[];

export interface RowOptions {
  width: number;
  wrap: boolean;
  /** First visible column when not wrapping. */
  hscroll?: number;
  /** Character ranges [start, end) of the line to highlight (indices into the line as given). */
  highlights?: readonly (readonly [number, number])[];
}

function isAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

/** How many rows the line takes. */
export function rowCount(line: string, width: number, wrap: boolean): number {
  if (!wrap || width <= 0) return 1;
  if (isAscii(line)) return Math.max(1, Math.ceil(line.length / width));
  return lineRows(line, { width, wrap }).length;
}

/** The line as rows of segments (one segment per row unless highlights split it). */
export function lineRows(line: string, options: RowOptions): Row[] {
  const width = Math.max(1, options.width);
  const hscroll = options.wrap ? 0 : Math.max(0, options.hscroll ?? 0);
  const highlights = options.highlights ?? [];
  if (highlights.length === 0 && isAscii(line)) {
    if (!options.wrap) return [[{ text: line.slice(hscroll, hscroll + width), highlight: false }]];
    const rows: Row[] = [];
    for (let i = 0; i < line.length || rows.length === 0; i += width)
      rows.push([{ text: line.slice(i, i + width), highlight: false }]);
    return rows;
  }

  const rows: Row[] = [];
  let row: Row = [];
  let seg = '';
  let segHighlight = false;
  let col = 0; // column within the line (cut mode) or within the row (wrap mode)
  let active = ''; // SGR codes in force
  let rowStyled = false;
  let h = 0; // index into highlights

  const endSegment = () => {
    if (seg !== '') row.push({ text: seg, highlight: segHighlight });
    seg = '';
  };
  const endRow = () => {
    if (rowStyled) seg += RESET;
    endSegment();
    rows.push(row.length ? row : [{ text: '', highlight: false }]);
    row = [];
    rowStyled = active !== '';
    seg = active;
  };
  const put = (text: string, highlighted: boolean) => {
    if (highlighted !== segHighlight && seg !== '' && seg !== active) endSegment();
    segHighlight = highlighted;
    seg += text;
  };

  for (let i = 0; i < line.length; ) {
    if (line.charCodeAt(i) === 0x1b) {
      SGR_AT.lastIndex = i;
      const m = SGR_AT.exec(line);
      if (m) {
        const code = m[0];
        active = code === RESET || code === '\u001b[m' ? '' : active + code;
        seg += code;
        rowStyled = true;
        i += code.length;
        continue;
      }
    }
    const cp = line.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    const w = charWidth(ch);
    while (h < highlights.length && highlights[h][1] <= i) h++;
    const highlighted = h < highlights.length && highlights[h][0] <= i;
    if (options.wrap) {
      if (col + w > width && col > 0) {
        endRow();
        col = 0;
      }
      put(ch, highlighted);
      col += w;
    } else {
      const start = col;
      const end = col + w;
      col = end;
      if (end <= hscroll) {
        i += ch.length;
        continue;
      }
      if (start >= hscroll + width) break;
      // A wide character cut by either edge shows as a blank.
      put(start < hscroll || end > hscroll + width ? ' ' : ch, highlighted);
    }
    i += ch.length;
  }
  endRow();
  return rows;
}

/** Plain text of a row (for tests and measuring). */
export function rowText(row: Row): string {
  return row.map((s) => s.text).join('');
}
