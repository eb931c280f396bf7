/** Every key, from the same scopes the key router uses (src/cockpit/help.ts); scrolls with j/k when the screen is smaller. */

import { Box } from 'ink';
import { helpLines } from '../src/cockpit/help.js';
import { helpRows } from '../src/cockpit/layout.js';
import { Line } from './Row.js';
import { useTheme } from './theme.js';
import { useUi } from './uiContext.js';

const LINES = helpLines();

/** Centred box, at most 60 wide and as tall as the list needs, never larger than the screen. */
export function HelpOverlay({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const scroll = useUi((s) => s.helpScroll);
  const boxWidth = Math.min(width, 60);
  const boxHeight = Math.min(height, LINES.length + 4);
  const inner = Math.max(0, boxWidth - 2);
  const visible = Math.min(helpRows(height), LINES.length);
  const top = Math.max(0, Math.min(scroll, LINES.length - visible));
  const more = top + visible < LINES.length;
  return (
    <Box width={width} height={height} alignItems="center" justifyContent="center" overflow="hidden" flexShrink={0}>
      <Box
        flexDirection="column"
        width={boxWidth}
        height={boxHeight}
        overflow="hidden"
        borderStyle="round"
        borderColor={theme.border(true)}
        flexShrink={0}
      >
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
          {more ? `j/k scroll ${top + visible}/${LINES.length} · ` : ''}Esc or ? closes
        </Line>
      </Box>
    </Box>
  );
}
