/**
 * The one place that decides colours. NO_COLOR (https://no-color.org) set to anything non-empty
 * means no colour at all: tones then fall back to bold/dim, which are not colours.
 */
import chalk, { type ForegroundColorName } from 'chalk';
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
  /** The text with its tone's escape codes, as a <Text> with tone(tone) would draw it (one string, no element). */
  paint(text: string, tone: Tone | string | undefined): string;
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

/** What Ink's <Text> transform does with these props, in its order: dim, colour, bold. */
function paintStyle(text: string, style: ToneStyle): string {
  let out = text;
  if (style.dimColor) out = chalk.dim(out);
  if (style.color) out = chalk[style.color as ForegroundColorName](out);
  if (style.bold) out = chalk.bold(out);
  return out;
}

export function createTheme(noColor: boolean): Theme {
  const styles = noColor ? PLAIN : COLORED;
  const tone = (t: Tone | string | undefined): ToneStyle => (t && t in styles ? styles[t as Tone] : {});
  return {
    noColor,
    tone,
    paint: (text, t) => paintStyle(text, tone(t)),
    border: (focused) => (noColor ? undefined : focused ? 'cyan' : 'gray'),
  };
}

export const ThemeContext = createContext<Theme>(createTheme(colorsDisabled()));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
