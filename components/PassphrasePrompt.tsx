/**
 * Asks for an encrypted key's passphrase. The secret lives in a ref, never in props, state or the
 * frame: the screen shows one • per character typed, nothing else.
 * Enter answers, Esc cancels, Backspace deletes, Ctrl-U clears, Ctrl-C cancels and quits.
 */
import React, { useRef, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import type { CockpitController } from '../src/cockpit/controller.js';
import type { PendingPrompt } from '../src/state/store.js';
import { Line } from './Row.js';
import { useTheme } from './theme.js';

export interface PassphrasePromptProps {
  prompt: PendingPrompt;
  controller: CockpitController;
  width: number;
  onQuit(): void;
}

/** One • per character, the newest ones when there are more than fit. */
export function maskedText(length: number, width: number): string {
  if (length <= width) return '•'.repeat(length);
  return '…' + '•'.repeat(Math.max(0, width - 1));
}

export function PassphrasePrompt({ prompt, controller, width, onQuit }: PassphrasePromptProps) {
  const theme = useTheme();
  const secret = useRef('');
  const answered = useRef(false);
  const [length, setLength] = useState(0);

  const answer = (value: string | null) => {
    if (answered.current) return;
    answered.current = true;
    secret.current = '';
    setLength(0);
    controller.answerPrompt(prompt.id, value);
  };
  const set = (next: string) => {
    secret.current = next;
    setLength([...next].length);
  };

  useInput((input, key) => {
    if (key.ctrl && input === 'c') {
      answer(null);
      onQuit();
    } else if (key.escape) answer(null);
    else if (key.return) answer(secret.current);
    else if (key.backspace || key.delete) set([...secret.current].slice(0, -1).join(''));
    else if (key.ctrl && input === 'u') set('');
    else if (!key.ctrl && !key.meta && input !== '') set(secret.current + input.replace(/[\r\n]/g, ''));
  });

  const boxWidth = Math.max(10, Math.min(width, 64));
  const inner = boxWidth - 4;
  const label = 'passphrase: ';
  return (
    <Box flexDirection="column" width={boxWidth} borderStyle="round" borderColor={theme.border(true)} paddingX={1} flexShrink={0}>
      <Text wrap="wrap" bold>
        {prompt.message}
      </Text>
      <Line width={inner}>
        {label}
        <Text {...theme.tone('accent')}>{maskedText(length, Math.max(1, inner - label.length - 1))}</Text>
        {'_'}
      </Line>
      <Line width={inner} tone="muted">
        Enter unlock · Esc cancel
      </Line>
    </Box>
  );
}
