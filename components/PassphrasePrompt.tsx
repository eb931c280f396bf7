/**
 * Asks for an encrypted key's passphrase. The secret never reaches props, state or the frame: the
 * screen shows one • per character typed, nothing else. Keys: the passphrase scope (src/cockpit/bindings).
 */

import { Box, Text } from 'ink';
import type { PendingPrompt } from '../src/state/store.js';
import { Line } from './Row.js';
import { useTheme } from './theme.js';

export interface PassphrasePromptProps {
  prompt: PendingPrompt;
  /** How many characters have been typed (the secret stays in the UI controller). */
  typed: number;
  width: number;
}

/** One • per character, the newest ones when there are more than fit. */
export function maskedText(length: number, width: number): string {
  if (length <= width) return '•'.repeat(length);
  return '…' + '•'.repeat(Math.max(0, width - 1));
}

export function PassphrasePrompt({ prompt, typed, width }: PassphrasePromptProps) {
  const theme = useTheme();
  const boxWidth = Math.max(10, Math.min(width, 64));
  const inner = boxWidth - 4;
  const label = 'passphrase: ';
  return (
    <Box
      flexDirection="column"
      width={boxWidth}
      borderStyle="round"
      borderColor={theme.border(true)}
      paddingX={1}
      flexShrink={0}
    >
      <Text wrap="wrap" bold>
        {prompt.message}
      </Text>
      <Line width={inner}>
        {label}
        <Text {...theme.tone('accent')}>{maskedText(typed, Math.max(1, inner - label.length - 1))}</Text>
        {'_'}
      </Line>
      <Line width={inner} tone="muted">
        Enter unlock · Esc cancel
      </Line>
    </Box>
  );
}
