import { describe, expect, test } from 'vitest';
import { computeLayout, followSelection, helpRows } from '../../src/cockpit/layout.js';
import { initialUiState, type Limits, uiReducer } from '../../src/cockpit/uiState.js';

const limits: Limits = { hosts: 3, gpuScrollMax: 4, sessionScrollMax: 2, helpScrollMax: 1 };

describe('ui reducer', () => {
  test('move changes the host selection in the Hosts pane, clamped, and resets detail scrolling', () => {
    let s = uiReducer(initialUiState, { type: 'focusPane', pane: 'gpus' });
    s = uiReducer(s, { type: 'move', delta: 2, limits });
    expect(s.gpuScroll).toBe(2);
    s = uiReducer(s, { type: 'focusPane', pane: 'hosts' });
    s = uiReducer(s, { type: 'move', delta: 5, limits });
    expect(s.selected).toBe(2);
    expect(s.gpuScroll).toBe(0);
    s = uiReducer(s, { type: 'move', delta: -9, limits });
    expect(s.selected).toBe(0);
  });

  test('edge jumps to top/bottom of the focused list', () => {
    let s = uiReducer(initialUiState, { type: 'focusPane', pane: 'sessions' });
    s = uiReducer(s, { type: 'edge', to: 'bottom', limits });
    expect(s.sessionScroll).toBe(2);
    s = uiReducer(s, { type: 'edge', to: 'top', limits });
    expect(s.sessionScroll).toBe(0);
  });

  test('panes cycle both ways', () => {
    let s = uiReducer(initialUiState, { type: 'cyclePane', delta: 1 });
    expect(s.focus).toBe('gpus');
    s = uiReducer(s, { type: 'cyclePane', delta: 1 });
    s = uiReducer(s, { type: 'cyclePane', delta: 1 });
    expect(s.focus).toBe('hosts');
    s = uiReducer(s, { type: 'cyclePane', delta: -1 });
    expect(s.focus).toBe('sessions');
  });

  test('while help is open, moves scroll the help; Esc closes it', () => {
    let s = uiReducer(initialUiState, { type: 'toggleHelp' });
    s = uiReducer(s, { type: 'move', delta: 3, limits });
    expect(s).toMatchObject({ help: true, helpScroll: 1, selected: 0 });
    s = uiReducer(s, { type: 'closeOverlay' });
    expect(s.help).toBe(false);
  });
});

describe('layout', () => {
  test('wide panes add up to the body; narrow below 60 columns', () => {
    const l = computeLayout(200, 50, { gpuLines: 17, sessionLines: 12 });
    expect(l.mode).toBe('wide');
    if (l.mode !== 'wide') return;
    expect(l.gpuHeight + l.sessionsHeight).toBe(l.bodyHeight);
    expect(l.bodyHeight).toBe(48);
    expect(l.gpuRows).toBeGreaterThanOrEqual(17);
    expect(l.sessionRows).toBeGreaterThanOrEqual(12);
    expect(computeLayout(59, 25, { gpuLines: 1, sessionLines: 1 }).mode).toBe('narrow');
    expect(computeLayout(60, 25, { gpuLines: 1, sessionLines: 1 }).mode).toBe('wide');
  });

  test('a tiny terminal never gets negative sizes', () => {
    for (const [c, r] of [
      [60, 3],
      [40, 2],
      [100, 1],
    ]) {
      const l = computeLayout(c, r, { gpuLines: 40, sessionLines: 40 });
      for (const v of [l.bodyHeight, l.hostRows, l.gpuRows, l.sessionRows]) expect(v).toBeGreaterThanOrEqual(0);
    }
    expect(helpRows(2)).toBe(1);
  });

  test('followSelection scrolls only as far as needed', () => {
    expect(followSelection(0, 5, 20, 0)).toBe(0);
    expect(followSelection(5, 5, 20, 0)).toBe(1);
    expect(followSelection(3, 5, 20, 1)).toBe(1);
    expect(followSelection(0, 5, 20, 4)).toBe(0);
    expect(followSelection(19, 5, 20, 0)).toBe(15);
    expect(followSelection(2, 5, 3, 9)).toBe(0);
  });
});
