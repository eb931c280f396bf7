/** "attempt 3, next try in 12s": the one text that ticks each second, and only while a host waits to reconnect. */

import { Text } from 'ink';
import { retryText } from '../src/format/connection.js';
import { useCountdownClock } from './clocks.js';
import { useTheme } from './theme.js';

export function RetryCountdown({ attempt, nextRetryAt }: { attempt: number; nextRetryAt: number }) {
  const now = useCountdownClock(nextRetryAt);
  const theme = useTheme();
  return <Text {...theme.tone('warn')}>{retryText(attempt, nextRetryAt, now)}</Text>;
}
