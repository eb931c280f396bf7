/** Bottom line: the key hints the keymap marks for the footer (they fit 50 columns), or what the cockpit is doing. */
import React from 'react';
import { footerHints } from './keymap.js';
import { Line } from './Row.js';

const HINTS = footerHints().join('  ');

/** While a prompt is open it owns the keyboard, so the footer says what its keys are instead. */
export const PROMPT_HINTS = 'Enter unlock  Esc cancel  Ctrl-C quit';

export function Footer({ width, quitting, prompting, message }: { width: number; quitting: boolean; prompting: boolean; message?: string | null }) {
  return (
    <Line width={width} tone={message && !quitting && !prompting ? 'warn' : 'muted'}>
      {quitting ? 'closing connections…' : prompting ? PROMPT_HINTS : (message ?? HINTS)}
    </Line>
  );
}
