/**
 * The one place that decides colours. NO_COLOR (https://no-color.org) set to anything non-empty
 * means no colour at all: tones then fall back to bold/dim, which are not colours.
 */
import { createContext, useContext } from 'react';

export type Tone = 'ok' | 'warn' | 'bad' | 'accent' | 'muted';

export interface ToneStyle {
  color?: string;
  bold?: boolean;
  dimColor?: boolean;
}

export interface Theme {
  noColor: boolean;
  /** Props for <Text> that give a segment its tone. */
  tone(tone: Tone | string | undefined): ToneStyle;
  /** Border colour of a pane (undefined under NO_COLOR: focus shows as a heavier border instead). */
  border(focused: boolean): string | undefined;
}

export function colorsDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return typeof env.NO_COLOR === 'string' && env.NO_COLOR !== '';
}

const COLORED: Record<Tone, ToneStyle> = {
  ok: { color: 'green' },
  warn: { color: 'yellow' },
  bad: { color: 'red', bold: true },
  accent: { color: 'cyan', bold: true },
  muted: { color: 'gray' },
};

const PLAIN: Record<Tone, ToneStyle> = {
  ok: {},
  warn: {},
  bad: { bold: true },
  accent: { bold: true },
  muted: { dimColor: true },
};

export function createTheme(noColor: boolean): Theme {
  const styles = noColor ? PLAIN : COLORED;
  return {
    noColor,
    tone: (tone) => (tone && tone in styles ? styles[tone as Tone] : {}),
    border: (focused) => (noColor ? undefined : focused ? 'cyan' : 'gray'),
  };
}

export const ThemeContext = createContext<Theme>(createTheme(colorsDisabled()));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
