import { describe, expect, test } from 'vitest';
import { computeFrame, type FrameInput } from '../../src/cockpit/frame.js';
import { PANE_CHROME } from '../../src/cockpit/layout.js';

const base = (columns: number, rows: number, hasRun: boolean): FrameInput => ({
  columns,
  rows,
  // 8 GPUs, a process header and 8 processes; 3 sessions
  counts: { gpuLines: 17, sessionLines: 3 },
  detail: 'none',
  runTab: false,
  hasRun,
  actionFocus: false,
});

describe("the wide frame beside an action's output", () => {
  for (const [columns, rows] of [
    [80, 24],
    [200, 50],
    [100, 30],
  ] as const) {
    test(`${columns}x${rows}: sessions keep a header and a row in sight; the panes still fill the body exactly`, () => {
      const f = computeFrame(base(columns, rows, true));
      if (f.layout.mode !== 'wide') throw new Error('wide expected');
      expect(f.layout.sessionRows).toBeGreaterThanOrEqual(1);
      expect(f.actionHeight).toBeGreaterThanOrEqual(PANE_CHROME + 3);
      expect(f.layout.gpuRows).toBeGreaterThanOrEqual(1);
      expect(f.layout.gpuHeight + f.layout.sessionsHeight + f.actionHeight).toBe(f.layout.bodyHeight);
      // without an action nothing is taken from the GPUs
      const idle = computeFrame(base(columns, rows, false));
      if (idle.layout.mode !== 'wide') throw new Error('wide expected');
      expect(f.layout.gpuHeight).toBeLessThanOrEqual(idle.layout.gpuHeight);
      expect(idle.layout.gpuHeight + idle.layout.sessionsHeight).toBe(idle.layout.bodyHeight);
    });
  }
});
