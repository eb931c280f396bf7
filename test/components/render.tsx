/** Renders the cockpit with ink-testing-library at a given terminal size, and reads frames back. */

import { render } from 'ink-testing-library';
import { vi } from 'vitest';
import { App } from '../../components/App.js';
import type { CockpitController, CockpitServices } from '../../src/cockpit/controller.js';
import type { TrainyardStore } from '../../src/state/store.js';
import { resizeTerminal } from '../support/resizeTerminal.js';

export function fakeController() {
  return {
    retryNow: vi.fn<(alias: string) => void>(),
    answerPrompt: vi.fn<(id: number, value: string | null) => void>(),
    shutdown: vi.fn<() => Promise<void>>(async () => {}),
  } satisfies CockpitController;
}

// Captured at load, so waiting still works in tests that fake timers afterwards.
const realSetTimeout = globalThis.setTimeout;
export const tick = (ms = 30) => new Promise((resolve) => realSetTimeout(resolve, ms));

/**
 * ink-testing-library's stdout reports 100 columns and no rows; Ink's useWindowSize and its layout
 * both read stdout.columns / stdout.rows, so set them on the instance and announce a resize.
 */
export interface RenderOptions<C extends CockpitController> {
  controller?: C;
  /** 'env' leaves the decision to the NO_COLOR environment variable, as in production (default: colour allowed). */
  noColor?: boolean | 'env';
  /** Actions, logs, watchdog (fakes in tests). */
  services?: CockpitServices;
}

export async function renderAt<C extends CockpitController = ReturnType<typeof fakeController>>(
  columns: number,
  rows: number,
  store: TrainyardStore,
  opts: RenderOptions<C> = {},
) {
  const controller = (opts.controller ?? fakeController()) as C;
  const noColor = opts.noColor === 'env' ? undefined : (opts.noColor ?? false);
  const r = render(<App store={store} controller={controller} noColor={noColor} services={opts.services} />);
  resizeTerminal(r.stdout, columns, rows);
  await tick();
  const frame = () => r.lastFrame() ?? '';
  /** One key per write, as a terminal sends them (a multi-character write is a paste). Esc needs Ink's 20 ms escape timeout. */
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      r.stdin.write(k);
      await tick(k === KEYS.esc ? 60 : 15);
    }
  };
  return { ...r, frame, press, controller };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;?]*[A-Za-z]/g;
export const stripAnsi = (s: string) => s.replace(ANSI, '');

export function lines(frame: string): string[] {
  return stripAnsi(frame).split('\n');
}

/** Terminal columns a plain line takes (the cockpit prints no double-width glyphs). */
export const width = (line: string) => [...line].length;

/** The line of the frame that contains `text` (plain), or undefined. */
export function lineWith(frame: string, text: string): string | undefined {
  return lines(frame).find((l) => l.includes(text));
}

export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  tab: '\t',
  shiftTab: '\u001B[Z',
  esc: '\u001B',
  enter: '\r',
  backspace: '\u007F',
  ctrlC: '\u0003',
};
