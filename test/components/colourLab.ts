/** For tests that compare styled frames: chalk's colours on while a file runs, and every tone. */
import chalk from 'chalk';
import { afterAll, beforeAll } from 'vitest';

/** Every tone the theme knows, no tone, and one it does not know. */
export const TONES = [undefined, 'ok', 'warn', 'bad', 'accent', 'muted', 'unknown-tone'];

/** Colours on for this file's tests (a test has no terminal): Ink's <Text>, theme.paint and fixedLine use the same chalk. */
export function coloursOnWhileTesting(): void {
  const level = chalk.level;
  beforeAll(() => {
    chalk.level = 3;
  });
  afterAll(() => {
    chalk.level = level;
  });
}
