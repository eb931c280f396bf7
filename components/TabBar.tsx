/**
 * Phone layout's top line: the active tab in brackets (and reverse video), e.g. "[Hosts] GPUs  Sessions",
 * and how many hosts are up. The brackets keep it readable where no styles get through at all.
 */
import React from 'react';
import { Box, Text } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import { textWidth } from '../src/format/text.js';
import { headerCounts } from './selectors.js';
import { useTrainyard } from './storeContext.js';
import { useTheme } from './theme.js';
import { PANES, PANE_TITLES, type PaneId } from './uiState.js';

export function TabBar({ active, width }: { active: PaneId; width: number }) {
  const { total, up } = useTrainyard(useShallow(headerCounts));
  const theme = useTheme();
  const tabsWidth = PANES.reduce((n, p) => n + PANE_TITLES[p].length + 3, 0);
  const right = `${up}/${total} up`;
  const gap = width - tabsWidth - textWidth(right);
  return (
    <Box width={width} height={1} overflow="hidden" flexShrink={0}>
      <Text wrap="truncate-end">
        {PANES.map((p) => (
          <React.Fragment key={p}>
            <Text inverse={p === active} bold={p === active}>
              {p === active ? `[${PANE_TITLES[p]}]` : ` ${PANE_TITLES[p]} `}
            </Text>{' '}
          </React.Fragment>
        ))}
        {gap > 0 && ' '.repeat(gap)}
        {gap > 0 && <Text {...theme.tone(up < total ? 'warn' : 'muted')}>{right}</Text>}
      </Text>
    </Box>
  );
}
