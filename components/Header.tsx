/** Top line on wide screens: app name, host and connected counts, and where help is. */
import React from 'react';
import { Box, Text } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import { fit, textWidth } from '../src/format/text.js';
import { headerCounts } from './selectors.js';
import { useTrainyard } from './storeContext.js';
import { useTheme } from './theme.js';

export function Header({ width }: { width: number }) {
  const { total, up } = useTrainyard(useShallow(headerCounts));
  const theme = useTheme();
  const counts = `  ${total} host${total === 1 ? '' : 's'} · ${up} connected`;
  const right = '? help';
  const left = 'trainyard' + counts;
  const gap = Math.max(1, width - textWidth(left) - textWidth(right));
  return (
    <Box width={width} height={1} overflow="hidden" flexShrink={0}>
      <Text wrap="truncate-end">
        <Text {...theme.tone('accent')}>trainyard</Text>
        <Text {...theme.tone(up < total ? 'warn' : undefined)}>{counts}</Text>
        {fit('', gap)}
        <Text {...theme.tone('muted')}>{right}</Text>
      </Text>
    </Box>
  );
}
