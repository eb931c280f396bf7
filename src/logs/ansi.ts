/**
 * Turns a raw log line into something safe to hand to Ink: what a terminal would show of it,
 * with SGR colour codes kept (or dropped) and every other escape removed, so no cursor movement,
 * screen clearing, title setting or clipboard write from a log ever reaches the user's terminal.
 */

const ESC = 0x1b;
/** Prefix of text that is ours, not the log's (markers such as "log rotated"); never survives sanitising. */
export const MARKER_PREFIX = '\u0001';
const RESET = '\u001b[0m';

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
  if (next === 0x5d /* ] OSC */ || next === 0x50 /* P DCS */ || next === 0x58 /* X SOS */ || next === 0x5e /* ^ PM */ || next === 0x5f /* _ APC */) {
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
  if (/^[\x20-\x7e]*$/.test(line)) return line;
  const hasTab = line.indexOf('\t') !== -1;
  const control = /[\x00-\x1f\x7f-\x9f]/g;
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
    } // other C0, DEL and C1 controls: dropped
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

const zeroWidth = /[\p{Mn}\p{Me}\p{Cf}\u200b-\u200f\ufe00-\ufe0f]/u;
const wide = /[\p{Emoji_Presentation}\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u;

/** Terminal columns of one code point (0, 1 or 2). */
export function charWidth(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x7f) return cp >= 0x20 ? 1 : 0;
  if (zeroWidth.test(ch)) return 0;
  return cp >= 0x1100 && wide.test(ch) ? 2 : 1;
}

/** Terminal columns of text without escapes. */
export function displayWidth(text: string): number {
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let w = 0;
  for (const ch of text) w += charWidth(ch);
  return w;
}
