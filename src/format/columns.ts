/**
 * Column planning for one-line rows: which columns fit in a width, and how wide each is.
 * Every row of a pane uses the same plan, so columns line up and a narrow screen drops
 * the least useful columns instead of wrapping.
 */
import type { Align } from './text.js';

export interface ColumnSpec<K extends string = string> {
  key: K;
  /** Minimum (and starting) width. */
  width: number;
  align?: Align;
  /** Widest the column may grow to when there is room left over. */
  max?: number;
  /** Columns with a grow rank take spare room, lowest rank first. */
  grow?: number;
  /** Columns with a drop rank are removed when the row does not fit, highest rank first. */
  drop?: number;
}

export interface PlannedColumn<K extends string = string> {
  key: K;
  width: number;
  align: Align;
}

export function plannedWidth(columns: { width: number }[], gap = 1): number {
  if (columns.length === 0) return 0;
  return columns.reduce((n, c) => n + c.width, 0) + gap * (columns.length - 1);
}

export function planColumns<K extends string>(
  specs: readonly ColumnSpec<K>[],
  total: number,
  gap = 1,
): PlannedColumn<K>[] {
  let active = [...specs];
  while (plannedWidth(active, gap) > total) {
    const droppable = active.filter((c) => c.drop !== undefined);
    if (droppable.length === 0) break;
    const victim = droppable.reduce((a, b) => ((b.drop as number) >= (a.drop as number) ? b : a));
    active = active.filter((c) => c !== victim);
  }
  const widths = new Map(active.map((c) => [c, c.width]));
  let spare = total - plannedWidth(active, gap);
  const growers = active.filter((c) => c.grow !== undefined).sort((a, b) => (a.grow as number) - (b.grow as number));
  for (const c of growers) {
    if (spare <= 0) break;
    const add = Math.min(spare, Math.max(0, (c.max ?? Number.POSITIVE_INFINITY) - c.width));
    widths.set(c, c.width + add);
    spare -= add;
  }
  return active.map((c) => ({ key: c.key, width: widths.get(c) as number, align: c.align ?? 'left' }));
}
