/**
 * The one sanitiser for text that came from a server (logs, command output, file and process
 * names, error messages) on its way to a screen or stdout. What a terminal would show of it:
 * SGR colour codes kept (log pane) or dropped, every other escape (CSI, OSC incl. hyperlinks and
 * clipboard writes, DCS, …) removed with its payload, C0/C1 controls, DEL and bidi overrides
 * removed, a line with carriage returns reduced to its last segment. Printable Unicode is kept.
 */
import { displayWidth } from './width.js';

const ESC = 0x1b;
/** Prefix of text that is ours, not the log's (markers such as "log rotated"); never survives sanitising. */
export const MARKER_PREFIX = '\u0001';
const RESET = '\u001b[0m';
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** C0, DEL, C1, and the bidi controls that reorder what is shown (Trojan Source). */
const UNSAFE_SOURCE = '[\\x00-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]';
const UNSAFE = () => new RegExp(UNSAFE_SOURCE, 'g');
const HAS_UNSAFE = new RegExp(UNSAFE_SOURCE);

export interface SanitizeOptions {
  /** Keep SGR colour/style codes (default true); false drops them too. */
  keepColors?: boolean;
  tabWidth?: number;
}

/**
 * What a terminal shows of a line written with carriage returns: the text after the last `\r`
 * (a progress bar's final state). A trailing `\r` (CRLF, or a bar that returns before the
 * newline) is not a new segment.
 */
export function lastCarriageSegment(line: string): string {
  let end = line.length;
  while (end > 0 && line.charCodeAt(end - 1) === 13) end--;
  const cr = line.lastIndexOf('\r', end - 1);
  if (cr === -1) return end === line.length ? line : line.slice(0, end);
  return line.slice(cr + 1, end);
}

/** Index just past an escape sequence starting at `i` (line[i] is ESC), per ECMA-48. */
function escapeEnd(line: string, i: number): { end: number; sgr: string | null } {
  const n = line.length;
  const next = line.charCodeAt(i + 1);
  if (Number.isNaN(next)) return { end: n, sgr: null };
  if (next === 0x5b /* [ CSI */) {
    let j = i + 2;
    while (j < n && line.charCodeAt(j) >= 0x30 && line.charCodeAt(j) <= 0x3f) j++; // parameter bytes
    const params = line.slice(i + 2, j);
    const interStart = j;
    while (j < n && line.charCodeAt(j) >= 0x20 && line.charCodeAt(j) <= 0x2f) j++; // intermediate bytes
    if (j >= n) return { end: n, sgr: null }; // unterminated: drop the rest
    const final = line.charCodeAt(j);
    if (final < 0x40 || final > 0x7e) return { end: j, sgr: null }; // malformed: drop what we saw
    const isSgr = final === 0x6d && j === interStart && /^[0-9;]*$/.test(params);
    return { end: j + 1, sgr: isSgr ? `\u001b[${params}m` : null };
  }
  if (
    next === 0x5d /* ] OSC */ ||
    next === 0x50 /* P DCS */ ||
    next === 0x58 /* X SOS */ ||
    next === 0x5e /* ^ PM */ ||
    next === 0x5f /* _ APC */
  ) {
    // String sequences end with BEL (OSC only) or ST (ESC \); unterminated ones swallow the line.
    for (let j = i + 2; j < n; j++) {
      const c = line.charCodeAt(j);
      if (c === 0x07 && next === 0x5d) return { end: j + 1, sgr: null };
      if (c === ESC && line.charCodeAt(j + 1) === 0x5c) return { end: j + 2, sgr: null };
    }
    return { end: n, sgr: null };
  }
  // Two-byte (ESC 7, ESC c, ...) or with intermediates (ESC ( B).
  let j = i + 1;
  while (j < n && line.charCodeAt(j) >= 0x20 && line.charCodeAt(j) <= 0x2f) j++;
  return { end: Math.min(n, j + 1), sgr: null };
}

/**
 * The display form of one raw log line (without its newline): last `\r` segment, tabs expanded,
 * SGR kept (and closed at the end) or dropped, every other control character and escape removed.
 */
export function sanitizeLine(raw: string, options: SanitizeOptions = {}): string {
  const keepColors = options.keepColors ?? true;
  const tabWidth = options.tabWidth ?? 8;
  const line = lastCarriageSegment(raw);
  // Fast path: printable ASCII only (most training logs).
  if (PRINTABLE_ASCII.test(line)) return line;
  // and printable Unicode (glyphs, bars, names): nothing to remove
  if (!HAS_UNSAFE.test(line)) return line;
  const hasTab = line.indexOf('\t') !== -1;
  const control = UNSAFE();
  let out = '';
  let col = 0; // only tracked when there are tabs to expand
  let styled = false;
  let runStart = 0;
  for (let m = control.exec(line); m; m = control.exec(line)) {
    const i = m.index;
    if (i > runStart) {
      const run = line.slice(runStart, i);
      out += run;
      if (hasTab) col += displayWidth(run);
    }
    const c = line.charCodeAt(i);
    let next = i + 1;
    if (c === ESC) {
      const { end, sgr } = escapeEnd(line, i);
      if (sgr && keepColors) {
        out += sgr;
        styled = sgr !== RESET && sgr !== '\u001b[m';
      }
      next = end;
    } else if (c === 0x09) {
      const spaces = tabWidth - (col % tabWidth);
      out += ' '.repeat(spaces);
      col += spaces;
    } // other C0, DEL and C1 controls, bidi controls: dropped
    runStart = next;
    control.lastIndex = next;
  }
  if (runStart < line.length) out += line.slice(runStart);
  if (styled) out += RESET;
  return out;
}

/** The text without any SGR codes (sanitised lines carry no other escapes). */
export function stripSgr(text: string): string {
  return text.indexOf('\u001b') === -1 ? text : text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** True when a sanitised line carries colour codes. */
export function hasSgr(text: string): boolean {
  return text.indexOf('\u001b') !== -1;
}

/** One line of server text for a screen (a name, a table cell): no escapes, no colours, line breaks as spaces. */
export function safeLine(text: string): string {
  return sanitizeLine(text.indexOf('\n') === -1 ? text : text.replace(/\r?\n/g, ' '), { keepColors: false });
}

/** Server text of any length for a screen or stdout: every line sanitised, line breaks kept. */
export function safeText(text: string): string {
  if (PRINTABLE_ASCII.test(text)) return text;
  return text
    .split('\n')
    .map((line) => sanitizeLine(line, { keepColors: false }))
    .join('\n');
}

const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON for stdout: JSON.stringify escapes C0 controls (ESC becomes \u001b) but not DEL, C1 or
 * bidi controls; those are written as \u escapes too. The data a script parses is unchanged.
 */
export function safeJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(
    JSON_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
