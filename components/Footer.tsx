import { Line } from './Row.js';

/** While a prompt is open it owns the keyboard, so the footer says what its keys are instead. */
export const PROMPT_HINTS = 'Enter unlock  Esc cancel  Ctrl-C quit';

export interface FooterProps {
  width: number;
  quitting: boolean;
  prompting: boolean;
  message?: string | null;
  /** The focused scopes' key hints (src/cockpit/help.ts footerHints). */
  hints: string;
}

export function Footer({ width, quitting, prompting, message, hints }: FooterProps) {
  return (
    <Line width={width} tone={message && !quitting && !prompting ? 'warn' : 'muted'}>
      {quitting ? 'closing connections…' : prompting ? PROMPT_HINTS : (message ?? hints)}
    </Line>
  );
}
