/** Top line on wide screens: app name, host and connected counts, and where help is. */

import { Box, Text } from 'ink';
import { headerCounts } from '../src/cockpit/selectors.js';
import { unreadAlerts } from '../src/cockpit/watchdogHistory.js';
import { fit, textWidth } from '../src/format/text.js';
import { safeLine } from '../src/text/sanitise.js';
import { useRuns, useWatchdog } from './servicesContext.js';
import { useTrainyard } from './storeContext.js';
import { useTheme } from './theme.js';
import { useShallow } from './useShallow.js';

export function Header({ width }: { width: number }) {
  const { total, up } = useTrainyard(useShallow(headerCounts));
  const unread = useWatchdog(unreadAlerts);
  const banner = useWatchdog((s) => s.banner);
  const theme = useTheme();
  const runs = useRuns((s) => (s.updatedAt === null ? '' : s.summary));
  const counts = `  ${total} host${total === 1 ? '' : 's'} · ${up} connected${runs ? `  ${runs}` : ''}`;
  const alert = unread > 0 ? `⚠ ${unread}  ` : '';
  const right = alert + '? help';
  const bannerText = banner ? `  ${safeLine(banner.text)}` : '';
  const left = 'trainyard' + counts + bannerText;
  const gap = Math.max(1, width - textWidth(left) - textWidth(right));
  return (
    <Box width={width} height={1} overflow="hidden" flexShrink={0}>
      <Text wrap="truncate-end">
        <Text {...theme.tone('accent')}>trainyard</Text>
        <Text {...theme.tone(up < total ? 'warn' : undefined)}>{counts}</Text>
        {banner && <Text {...theme.tone('bad')}>{bannerText}</Text>}
        {fit('', gap)}
        {alert && <Text {...theme.tone('bad')}>{alert}</Text>}
        <Text {...theme.tone('muted')}>{'? help'}</Text>
      </Text>
    </Box>
  );
}
