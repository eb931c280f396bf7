/**
 * Phone layout's top line: the active tab in brackets (and reverse video), e.g. "[Hosts] GPUs  Sessions",
 * and how many hosts are up. The brackets keep it readable where no styles get through at all.
 */

import { Box, Text } from 'ink';
import React from 'react';
import { headerCounts } from '../src/cockpit/selectors.js';
import { PANE_TITLES, PANES, type PaneId } from '../src/cockpit/uiState.js';
import { unreadAlerts } from '../src/cockpit/watchdogHistory.js';
import { textWidth } from '../src/format/text.js';
import { useWatchdog } from './servicesContext.js';
import { useTrainyard } from './storeContext.js';
import { useTheme } from './theme.js';
import { useShallow } from './useShallow.js';

/** `active` null: the extra tab (Run, Log or Alerts) is the one on screen. */
export function TabBar({ active, width, extraTab }: { active: PaneId | null; width: number; extraTab?: string }) {
  const { total, up } = useTrainyard(useShallow(headerCounts));
  const unread = useWatchdog(unreadAlerts);
  const theme = useTheme();
  const tabsWidth = PANES.reduce((n, p) => n + PANE_TITLES[p].length + 3, 0) + (extraTab ? extraTab.length + 3 : 0);
  const alert = unread > 0 ? `⚠ ${unread} ` : '';
  const right = `${up}/${total} up`;
  const gap = width - tabsWidth - textWidth(alert) - textWidth(right);
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
        {extraTab && (
          <>
            <Text inverse={active === null} bold={active === null}>
              {active === null ? `[${extraTab}]` : ` ${extraTab} `}
            </Text>{' '}
          </>
        )}
        {gap > 0 && ' '.repeat(gap)}
        {gap > 0 && alert && <Text {...theme.tone('bad')}>{alert}</Text>}
        {gap > 0 && <Text {...theme.tone(up < total ? 'warn' : 'muted')}>{right}</Text>}
      </Text>
    </Box>
  );
}
