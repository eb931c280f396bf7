/** A pane: bordered with a title line on wide screens, bare on a phone. Focus shows as a heavier border (and colour when allowed). */

import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { safeLine } from '../src/text/sanitise.js';
import { useTheme } from './theme.js';

export interface PaneFrameProps {
  title?: ReactNode;
  focused: boolean;
  width: number;
  height: number;
  bordered: boolean;
  children: ReactNode;
}

export function PaneFrame({ title, focused, width, height, bordered, children }: PaneFrameProps) {
  const theme = useTheme();
  if (!bordered) {
    return (
      <Box flexDirection="column" width={width} height={height} overflow="hidden" flexShrink={0}>
        {children}
      </Box>
    );
  }
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      overflow="hidden"
      flexShrink={0}
      borderStyle={focused ? 'bold' : 'round'}
      borderColor={theme.border(focused)}
    >
      <Box height={1} width={Math.max(0, width - 2)} overflow="hidden" flexShrink={0}>
        <Text wrap="truncate-end" bold>
          {typeof title === 'string' ? safeLine(title) : title}
        </Text>
      </Box>
      {children}
    </Box>
  );
}
