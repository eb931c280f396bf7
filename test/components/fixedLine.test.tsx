/** fixedLine (components/fixedLine.ts): one Ink node draws what the sized <Box><Text> it replaces draws. */

import { PassThrough } from 'node:stream';
import { stripVTControlCharacters as stripAnsi } from 'node:util';
import { Box, render, renderToString, Text } from 'ink';
import { Fragment, type ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import Yoga, { type MeasureFunction } from 'yoga-layout';
import { fixedLine } from '../../components/fixedLine.js';
import { Line, Row } from '../../components/Row.js';
import { createTheme, ThemeContext } from '../../components/theme.js';
import { planColumns } from '../../src/format/columns.js';
import { coloursOnWhileTesting, TONES } from './colourLab.js';

coloursOnWhileTesting();

const STYLES = [{}, { bold: true }, { inverse: true }, { bold: true, inverse: true }];
const TEXTS = ['', 'gpu-1', '▸ gpu-node-1 ● connected  81% ▁▂▃▅▇█', `${'x'.repeat(30)}日本語${'y'.repeat(30)}`];

/** Three lines in a column: what the line draws, and that it takes one row. */
const draw = (line: ReactNode, noColor: boolean) =>
  renderToString(
    <ThemeContext value={createTheme(noColor)}>
      <Box flexDirection="column" width={50}>
        <Text>above</Text>
        {line}
        <Text>below</Text>
      </Box>
    </ThemeContext>,
    { columns: 80 },
  );

const fakeStdout = () =>
  Object.assign(
    new PassThrough().on('data', () => {}),
    { columns: 80, rows: 20, isTTY: true },
  ) as unknown as NodeJS.WriteStream;

describe('fixedLine: one sized text node', () => {
  for (const noColor of [false, true])
    it(`draws what <Box width height=1 overflow=hidden><Text truncate-end> draws${noColor ? ' (NO_COLOR)' : ''}`, () => {
      const theme = createTheme(noColor);
      const wrong: string[] = [];
      let drawn = 0;
      for (const width of [0, 1, 5, 40])
        for (const text of TEXTS)
          for (const tone of TONES)
            for (const style of STYLES) {
              const boxed = draw(
                <Box width={width} height={1} overflow="hidden" flexShrink={0}>
                  <Text wrap="truncate-end" {...style} {...theme.tone(tone)}>
                    {text}
                  </Text>
                </Box>,
                noColor,
              );
              const fixed = draw(fixedLine(width, text, theme.tone(tone), style), noColor);
              if (fixed !== boxed) wrong.push(`${width}/${JSON.stringify(text)}/${tone}/${JSON.stringify(style)}`);
              if (text && width > 1 && tone === 'bad' && !noColor) expect(fixed).toContain('\u001b[31m');
              drawn++;
            }
      expect(drawn).toBe(4 * TEXTS.length * TONES.length * STYLES.length);
      expect(wrong).toEqual([]);
    });

  it('is laid out without measuring its text (a boxed <Text> is measured each time it changes)', () => {
    // every text node's measure function, counted
    let measured = 0;
    const proto = Object.getPrototypeOf(Yoga.Node.create()) as { setMeasureFunc: (fn: MeasureFunction) => void };
    const setMeasureFunc = proto.setMeasureFunc;
    proto.setMeasureFunc = function (this: unknown, fn: MeasureFunction) {
      setMeasureFunc.call(this, (...args: Parameters<MeasureFunction>) => {
        measured++;
        return fn(...args);
      });
    };
    const rows = (value: number, fixed: boolean) => (
      <Box flexDirection="column" width={40}>
        {Array.from({ length: 10 }, (_, k) =>
          fixed ? (
            <Fragment key={k}>{fixedLine(40, `row ${k}: ${value}`, {})}</Fragment>
          ) : (
            <Box key={k} width={40} height={1} overflow="hidden" flexShrink={0}>
              <Text wrap="truncate-end">{`row ${k}: ${value}`}</Text>
            </Box>
          ),
        )}
      </Box>
    );
    const measuredOver5Frames = (fixed: boolean) => {
      const app = render(rows(0, fixed), { stdout: fakeStdout(), debug: true, patchConsole: false });
      measured = 0;
      for (let i = 1; i <= 5; i++) app.rerender(rows(i, fixed));
      app.unmount();
      return measured;
    };
    try {
      expect(measuredOver5Frames(false)).toBe(50);
      expect(measuredOver5Frames(true)).toBe(0);
    } finally {
      proto.setMeasureFunc = setMeasureFunc;
    }
  });

  it('is what Row and a plain-text Line draw, cut to their width', () => {
    const columns = planColumns(
      [
        { key: 'a', width: 6 },
        { key: 'b', width: 12 },
      ],
      20,
    );
    const row = draw(
      <Row columns={columns} width={20} cells={{ a: 'gpu-12345', b: { text: 'connected', tone: 'ok' } }} inverse />,
      false,
    );
    expect(stripAnsi(row).split('\n')).toEqual(['above', 'gpu-1… connected    ', 'below']);
    expect(row).toContain('\u001b[7m'); // the highlight
    expect(row).toContain('\u001b[32mconnected'); // the cell's tone
    const line = draw(
      <Line width={8} tone="warn">
        {'a long line\nwith a break'}
      </Line>,
      false,
    );
    expect(line.split('\n')).toEqual(['above', '\u001b[33ma long …\u001b[39m', 'below']);
  });
});
