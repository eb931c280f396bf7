/**
 * One line of fixed-width cells, laid out by planColumns: never wraps, never wider than `width`.
 * Cell and line text is sanitised here: names and messages from a server are printed through these.
 */

import { Box, Text } from 'ink';
import { Children, type ReactNode } from 'react';
import type { PlannedColumn } from '../src/format/columns.js';
import { fitSegments, type Segment } from '../src/format/text.js';
import { safeLine } from '../src/text/sanitise.js';
import { fixedLine } from './fixedLine.js';
import { useTheme } from './theme.js';

export interface Cell {
  text?: string;
  segments?: Segment[];
  tone?: string;
}

/** A cell's content, or a function of the width the plan gave it (bars, sparklines, memory). */
export type CellValue = string | Cell | ((width: number) => string | Cell);

function toSegments(value: CellValue | undefined, width: number): Segment[] {
  const v = typeof value === 'function' ? value(width) : value;
  if (v === undefined) return [];
  if (typeof v === 'string') return [{ text: safeLine(v) }];
  return (v.segments ?? [{ text: v.text ?? '', tone: v.tone }]).map((s) => ({ ...s, text: safeLine(s.text) }));
}

export interface RowProps {
  columns: readonly PlannedColumn[];
  cells: Record<string, CellValue>;
  width: number;
  inverse?: boolean;
  bold?: boolean;
  /** Tone for the whole row (column headers). */
  tone?: string;
}

export function Row({ columns, cells, width, inverse, bold, tone }: RowProps) {
  const theme = useTheme();
  // One pre-styled string, not a <Text> per toned segment: Ink lays out, reconciles and squashes one node a row.
  let line = '';
  let used = 0;
  columns.forEach((col, i) => {
    if (i > 0) {
      line += ' ';
      used++;
    }
    for (const s of fitSegments(toSegments(cells[col.key], col.width), col.width, col.align))
      line += s.tone ? theme.paint(s.text, s.tone) : s.text;
    used += col.width;
  });
  // Trailing blanks cost Ink a width computation per character every frame: pad only to show a highlight.
  if (used < width && inverse) line += ' '.repeat(width - used);
  return fixedLine(width, line, theme.tone(tone), { bold, inverse });
}

/** A single line of text (with optional tone), cut to `width`. */
export function Line({
  width,
  children,
  tone,
  bold,
  inverse,
}: {
  width: number;
  children: ReactNode;
  tone?: string;
  bold?: boolean;
  inverse?: boolean;
}) {
  const theme = useTheme();
  if (typeof children === 'string') return fixedLine(width, safeLine(children), theme.tone(tone), { bold, inverse });
  return (
    <Box width={width} height={1} overflow="hidden" flexShrink={0}>
      <Text wrap="truncate-end" bold={bold} inverse={inverse} {...theme.tone(tone)}>
        {Children.map(children, (c) => (typeof c === 'string' ? safeLine(c) : c))}
      </Text>
    </Box>
  );
}
