/**
 * One line of text at a fixed width, as a single Ink node. <Box width height={1}><Text> is two
 * nodes, and Yoga measures the text (Ink's wrap and width arithmetic) every time it changes to
 * size it inside the box; a text node whose width and height are both fixed is sized without
 * measuring. Rows are most of a frame and change every second, so this is most of the layout work.
 * The text must be one line (sanitised, no newline); Ink still cuts it to the width.
 */
import chalk, { type ForegroundColorName } from 'chalk';
import { createElement, type ReactElement } from 'react';
import type { ToneStyle } from './theme.js';

interface LineStyle extends ToneStyle {
  inverse?: boolean;
}

type Transform = (text: string) => string;

// The same props, the same objects: React then sees only the text change, and Ink compares no style.
const transforms = new Map<string, Transform | undefined>();
const styles = new Map<number, object>();

/** What Ink's <Text> transform does with these props, in its order: dim, colour, bold, inverse. */
function transformFor({ dimColor, color, bold, inverse }: LineStyle): Transform | undefined {
  const key = `${dimColor ? 1 : 0}${bold ? 1 : 0}${inverse ? 1 : 0}${color ?? ''}`;
  if (transforms.has(key)) return transforms.get(key);
  const transform: Transform | undefined =
    !dimColor && !color && !bold && !inverse
      ? undefined
      : (text) => {
          let out = text;
          if (dimColor) out = chalk.dim(out);
          if (color) out = chalk[color as ForegroundColorName](out);
          if (bold) out = chalk.bold(out);
          if (inverse) out = chalk.inverse(out);
          return out;
        };
  transforms.set(key, transform);
  return transform;
}

function styleFor(width: number): object {
  let style = styles.get(width);
  if (!style) {
    style = { width, height: 1, flexGrow: 0, flexShrink: 0, flexDirection: 'row', textWrap: 'truncate-end' };
    styles.set(width, style);
  }
  return style;
}

/** What `<Box width={width} height={1} overflow="hidden"><Text wrap="truncate-end" bold inverse {...tone}>` draws. */
export function fixedLine(
  width: number,
  text: string,
  tone: ToneStyle,
  { bold, inverse }: { bold?: boolean; inverse?: boolean } = {},
): ReactElement {
  // as the JSX spread did: the tone's own bold wins over the prop
  const transform = transformFor({ ...tone, bold: tone.bold ?? bold, inverse });
  return createElement('ink-text', { style: styleFor(width), internal_transform: transform }, text);
}
