import { Box, renderToString, Text } from 'ink';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { createTheme } from '../../components/theme.js';
import { coloursOnWhileTesting, TONES } from './colourLab.js';

coloursOnWhileTesting();

const draw = (node: ReactNode) =>
  renderToString(
    <Box width={60} height={1} overflow="hidden">
      {node}
    </Box>,
    { columns: 80 },
  );

describe('theme.paint: a toned segment as one string (Row draws a row as one <Text>)', () => {
  for (const noColor of [false, true])
    it(`draws what a <Text> per toned segment draws${noColor ? ' (NO_COLOR)' : ''}, under every row style`, () => {
      const theme = createTheme(noColor);
      const wrong: string[] = [];
      for (const rowTone of TONES)
        for (const [inverse, bold] of [
          [false, false],
          [true, false],
          [false, true],
        ])
          for (const tone of TONES) {
            const segments = ['▸ gpu-node-1 ', '● connected', ' 81%', ' ▁▂▃▅▇█'];
            const asElements = draw(
              <Text wrap="truncate-end" inverse={inverse} bold={bold} {...theme.tone(rowTone)}>
                {segments.map((s, i) => (
                  <Text key={s} {...theme.tone(i % 2 ? tone : rowTone === tone ? undefined : 'muted')}>
                    {s}
                  </Text>
                ))}
              </Text>,
            );
            const asString = draw(
              <Text wrap="truncate-end" inverse={inverse} bold={bold} {...theme.tone(rowTone)}>
                {segments.map((s, i) => theme.paint(s, i % 2 ? tone : rowTone === tone ? undefined : 'muted')).join('')}
              </Text>,
            );
            if (asElements !== asString)
              wrong.push(`${rowTone}/${tone}/${inverse}/${bold}: ${JSON.stringify(asElements)}`);
            if (tone === 'bad' && !noColor) expect(asString).toContain('\u001b[31m');
          }
      expect(wrong).toEqual([]);
    });
});
