/** Every key, read from the same table the input handler uses. Fits 50x25; scrolls with j/k when the screen is smaller. */
import React from 'react';
import { Box } from 'ink';
import { fit } from '../src/format/text.js';
import { bindingKeysLabel, KEYMAP, type KeyBinding } from './keymap.js';
import { helpRows } from './layout.js';
import { Line } from './Row.js';
import { useTheme } from './theme.js';

export interface HelpLine {
  text: string;
  heading: boolean;
}

export function helpLines(keymap: readonly KeyBinding[] = KEYMAP): HelpLine[] {
  const lines: HelpLine[] = [];
  let group: string | undefined;
  for (const b of keymap) {
    if (b.group !== group) {
      group = b.group;
      lines.push({ text: group, heading: true });
    }
    lines.push({ text: `  ${fit(bindingKeysLabel(b), 9)} ${b.help}`, heading: false });
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
