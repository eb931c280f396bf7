/** What the GPU pane says instead of GPU rows: the connection state, error, hint and back-off, or why there are no GPU figures. */

import { Box, Text } from 'ink';
import type { GpuPaneMode } from '../src/cockpit/selectors.js';
import { connectionLabel, isWaitingToRetry } from '../src/format/connection.js';
import type { ConnectionInfo } from '../src/state/store.js';
import { safeText } from '../src/text/sanitise.js';
import { RetryCountdown } from './RetryCountdown.js';
import { useTheme } from './theme.js';

export interface HostStatusMessageProps {
  mode: Exclude<GpuPaneMode, 'rows'>;
  connection: ConnectionInfo;
  gpuError: string | null;
  width: number;
  height: number;
}

export function HostStatusMessage({ mode, connection, gpuError, width, height }: HostStatusMessageProps) {
  const theme = useTheme();
  const label = connectionLabel(connection.state);
  return (
    <Box flexDirection="column" width={width} height={Math.max(0, height)} overflow="hidden" flexShrink={0}>
      {mode === 'gpu-error' && (
        <Text wrap="wrap" {...theme.tone('warn')}>
          {safeText(gpuError ?? '')}
        </Text>
      )}
      {mode === 'waiting' && (
        <Text wrap="truncate-end" {...theme.tone('muted')}>
          waiting for the first nvidia-smi sample
        </Text>
      )}
      {mode === 'down' && (
        <>
          <Box flexShrink={0}>
            <Text wrap="truncate-end">
              <Text {...theme.tone(label.tone)}>
                {label.glyph} {label.word}
              </Text>
              {isWaitingToRetry(connection) && (
                <>
                  {' · '}
                  <RetryCountdown attempt={connection.attempt} nextRetryAt={connection.nextRetryAt as number} />
                </>
              )}
            </Text>
          </Box>
          {connection.error && (
            <Box flexShrink={0}>
              <Text wrap="wrap" {...theme.tone('bad')}>
                {safeText(connection.error)}
              </Text>
            </Box>
          )}
          {connection.hint && (
            <Box flexShrink={0}>
              <Text wrap="wrap" {...theme.tone('muted')}>
                {safeText(connection.hint)}
              </Text>
            </Box>
          )}
        </>
      )}
    </Box>
  );
}
