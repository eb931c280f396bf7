/** Every key, read from the same table the input handler uses. Fits 50x25; scrolls with j/k when the screen is smaller. */
import React from 'react';
import { Box } from 'ink';
import { bindingKeysLabel, KEYMAP, type KeyBinding } from './keymap.js';
import { helpRows } from './layout.js';
import { Line } from './Row.js';
import { useTheme } from './theme.js';

export interface HelpLine {
  text: string;
  heading: boolean;
}

/** Width of a help line: the help box's inside on a 50-column phone. */
export const HELP_WIDTH = 48;
const SEP = ' · ';

/**
 * A heading per group, then its bindings ("keys help"), packed several to a line where they fit
 * (first fit, longest first) so every key shows on a 50x25 phone without scrolling.
 */
export function helpLines(keymap: readonly KeyBinding[] = KEYMAP, width = HELP_WIDTH): HelpLine[] {
  const lines: HelpLine[] = [];
  const groups: string[] = [];
  for (const b of keymap) if (!groups.includes(b.group)) groups.push(b.group);
  for (const group of groups) {
    lines.push({ text: group, heading: true });
    const entries = keymap.filter((b) => b.group === group).map((b) => `${bindingKeysLabel(b)} ${b.help}`);
    const packed: string[] = [];
    for (const e of [...entries].sort((a, b) => b.length - a.length)) {
      const i = packed.findIndex((l) => 2 + l.length + SEP.length + e.length <= width);
      if (i >= 0) packed[i] += SEP + e;
      else packed.push(e);
    }
    for (const l of packed) lines.push({ text: `  ${l}`, heading: false });
  }
  return lines;
}

const LINES = helpLines();
export const HELP_LINE_COUNT = LINES.length;

/** Centred box, at most 60 wide and as tall as the list needs, never larger than the screen. */
export function HelpOverlay({ width, height, scroll }: { width: number; height: number; scroll: number }) {
  const theme = useTheme();
  const boxWidth = Math.min(width, 60);
  const boxHeight = Math.min(height, LINES.length + 4);
  const inner = Math.max(0, boxWidth - 2);
  const visible = Math.min(helpRows(height), LINES.length);
  const top = Math.max(0, Math.min(scroll, LINES.length - visible));
  const more = top + visible < LINES.length;
  return (
    <Box width={width} height={height} alignItems="center" justifyContent="center" overflow="hidden" flexShrink={0}>
      <Box flexDirection="column" width={boxWidth} height={boxHeight} overflow="hidden" borderStyle="round" borderColor={theme.border(true)} flexShrink={0}>
        <Line width={inner} tone="accent">
          trainyard keys
        </Line>
        <Box flexDirection="column" height={Math.max(0, boxHeight - 4)} overflow="hidden" flexShrink={0}>
          {LINES.slice(top, top + visible).map((l, i) => (
            <Line key={top + i} width={inner} bold={l.heading}>
              {l.text}
            </Line>
          ))}
        </Box>
        <Line width={inner} tone="muted">
          {more ? 'j/k scroll · ' : ''}Esc or ? closes
        </Line>
      </Box>
    </Box>
  );
}
