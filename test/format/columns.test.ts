import { describe, expect, test } from 'vitest';
import { type ColumnSpec, planColumns, plannedWidth } from '../../src/format/columns.js';

const SPECS: ColumnSpec[] = [
  { key: 'id', width: 2 },
  { key: 'name', width: 6, grow: 2, max: 10 },
  { key: 'bar', width: 10, grow: 1, max: 20, drop: 2 },
  { key: 'temp', width: 4, drop: 1 },
];

describe('planColumns', () => {
  test('everything fits: spare room goes to growers by rank, each up to its max', () => {
    // 2+6+10+4 plus 3 gaps = 25; 5 spare go to bar (rank 1) first.
    expect(planColumns(SPECS, 30).map((c) => [c.key, c.width])).toEqual([
      ['id', 2],
      ['name', 6],
      ['bar', 15],
      ['temp', 4],
    ]);
    // 15 spare: bar reaches its max 20, name takes the next 4 (rank 2, max 10), 1 column is left over.
    const wide = planColumns(SPECS, 40);
    expect(wide.map((c) => [c.key, c.width])).toEqual([
      ['id', 2],
      ['name', 10],
      ['bar', 20],
      ['temp', 4],
    ]);
    expect(plannedWidth(wide)).toBe(39);
  });

  test('too narrow: drops the highest drop rank first, never the undroppable', () => {
    expect(planColumns(SPECS, 20).map((c) => c.key)).toEqual(['id', 'name', 'temp']);
    expect(planColumns(SPECS, 9).map((c) => c.key)).toEqual(['id', 'name']);
    // Nothing left to drop: the plan is as small as it gets (the view truncates the line).
    expect(planColumns(SPECS, 3).map((c) => c.key)).toEqual(['id', 'name']);
  });

  test('the planned row never exceeds the width when droppable columns can make room', () => {
    for (let w = 9; w <= 60; w++) expect(plannedWidth(planColumns(SPECS, w))).toBeLessThanOrEqual(w);
  });
});
