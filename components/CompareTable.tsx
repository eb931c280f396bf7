/** A sweep's comparison in the Runs pane: the same cells as `trainyard compare`, best run marked. */

import { type ColumnSpec, planColumns } from '../src/format/columns.js';
import { compareCells } from '../src/format/compare.js';
import { Line, Row } from './Row.js';
import { useCompare } from './servicesContext.js';

export function CompareTable({ sweep, width, height }: { sweep: string; width: number; height: number }) {
  const state = useCompare((s) => s);
  if (state.name !== sweep || state.table === null)
    return (
      <>
        <Line width={width} tone="muted">{`comparing ${sweep}: reading metrics files and logs…`}</Line>
        {state.errors.map((e) => (
          <Line key={e.host + e.error} width={width} tone="warn">{`${e.host}: ${e.error}`}</Line>
        ))}
      </>
    );
  const { head, rows } = compareCells(state.table);
  const specs: ColumnSpec[] = head.map((h, i) => ({
    key: String(i),
    width: Math.max(i === 0 ? 1 : 4, Math.min(i === 1 ? 24 : 14, Math.max(h.length, ...rows.map((r) => r[i].length)))),
    align: i >= 4 + state.table!.paramNames.length ? 'right' : 'left',
    // the later metric columns give way first on a narrow screen; best, run, state and params stay
    drop: i >= 4 ? i : i === 2 ? head.length + 1 : undefined,
  }));
  const columns = planColumns(specs, width);
  const toCells = (r: string[]) => Object.fromEntries(r.map((c, i) => [String(i), c]));
  const by = state.table.primary
    ? `by ${state.table.primary.name} (${state.table.primary.goal})`
    : 'no metric to sort by';
  return (
    <>
      <Line width={width} tone="muted">{`${sweep}: ${rows.length} runs, ${by} · * best · c or Esc: back`}</Line>
      {state.errors.map((e) => (
        <Line key={e.host + e.error} width={width} tone="warn">{`${e.host}: ${e.error}`}</Line>
      ))}
      <Row columns={columns} width={width} cells={toCells(head)} tone="muted" bold />
      {rows.slice(0, Math.max(0, height - 2 - state.errors.length)).map((r, i) => (
        <Row
          key={state.table!.rows[i].id + String(i)}
          columns={columns}
          width={width}
          cells={toCells(r)}
          tone={state.table!.rows[i].best ? 'ok' : undefined}
        />
      ))}
    </>
  );
}
