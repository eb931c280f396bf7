/** Pure text fitting for fixed-width terminal cells. Widths count code points: every glyph the cockpit prints is one column wide. */

export type Align = 'left' | 'right';

/** Columns a string takes (one per code point; the cockpit prints no wide glyphs). */
export function textWidth(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Cuts text to at most `width` columns, ending in … when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width === 1) return '…';
  return chars.slice(0, width - 1).join('') + '…';
}

/** Exactly `width` columns: truncated, then padded on the side opposite to `align`. */
export function fit(text: string, width: number, align: Align = 'left'): string {
  const cut = truncate(text, width);
  const pad = ' '.repeat(Math.max(0, width - textWidth(cut)));
  return align === 'right' ? pad + cut : cut + pad;
}

/** A run of text with a semantic tone the views map to a colour (or to nothing under NO_COLOR). */
export interface Segment {
  text: string;
  tone?: string;
}

/** Segments cut and padded to exactly `width` columns, keeping each segment's tone. */
export function fitSegments(segments: readonly Segment[], width: number, align: Align = 'left'): Segment[] {
  if (width <= 0) return [];
  const nonEmpty = segments.filter((s) => s.text !== '');
  const total = nonEmpty.reduce((n, s) => n + textWidth(s.text), 0);
  if (total <= width) {
    if (total === width) return nonEmpty;
    const pad = { text: ' '.repeat(width - total) };
    return align === 'right' ? [pad, ...nonEmpty] : [...nonEmpty, pad];
  }
  // Too long: keep whole segments while they fit, cut the first that does not and end it with …
  const out: Segment[] = [];
  let used = 0;
  for (const s of nonEmpty) {
    const chars = [...s.text];
    if (used + chars.length <= width - 1) {
      out.push(s);
      used += chars.length;
      continue;
    }
    out.push({ ...s, text: chars.slice(0, width - 1 - used).join('') + '…' });
    break;
  }
  return out;
}
