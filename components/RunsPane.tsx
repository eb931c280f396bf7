/**
 * Every run on every host: name, state, progress first, then host:GPU, loss, ETA, runtime and
 * sweep as the width allows; the sort and filter in its top line. A narrow screen adds the
 * fleet summary above (the wide header has it).
 */
import { memo } from 'react';
import { followSelection, NARROW_BELOW } from '../src/cockpit/layout.js';
import { cursorIndex, listedRuns, planRunColumns } from '../src/cockpit/runsView.js';
import type { PlannedColumn } from '../src/format/columns.js';
import { formatProgress, type RunColumn, runCells } from '../src/format/runs.js';
import { textWidth } from '../src/format/text.js';
import type { RunDisplayState, RunRow } from '../src/runs/runsModel.js';
import { CompareTable } from './CompareTable.js';
import { Line, Row } from './Row.js';
import { moreMarker } from './SessionsPane.js';
import { useRuns } from './servicesContext.js';
import { useUi } from './uiContext.js';
import { useTerminalSize } from './useTerminalSize.js';

const STATE_TONE: Record<RunDisplayState, string | undefined> = {
  running: 'ok',
  queued: 'accent',
  finished: 'muted',
  crashed: 'bad',
  restarted: 'warn',
  stopped: 'warn',
};

const HEADER: Record<RunColumn, string> = {
  name: 'RUN',
  state: 'STATE',
  progress: 'PROGRESS',
  place: 'HOST:GPU',
  loss: 'LOSS',
  eta: 'ETA',
  runtime: 'RUNTIME',
  sweep: 'SWEEP',
};

const RunLine = memo(function RunLine({
  run,
  columns,
  width,
  selected,
}: {
  run: RunRow;
  columns: readonly PlannedColumn[];
  width: number;
  selected: boolean;
}) {
  const cells = runCells(run);
  return (
    <Row
      columns={columns}
      width={width}
      inverse={selected}
      cells={{
        ...cells,
        state: { text: cells.state, tone: selected ? undefined : STATE_TONE[run.state] },
        // "epoch 3/10 30%" where it fits, "ep 3/10 30%" where it does not
        progress: (w) => (textWidth(cells.progress) <= w ? cells.progress : formatProgress(run.progress, true)),
      }}
    />
  );
});

export function RunsPane({ width, height }: { width: number; height: number }) {
  // the wide header carries the fleet summary; a phone's tab bar has no room for it
  const summaryLine = useTerminalSize().columns < NARROW_BELOW;
  const rows = useRuns((s) => s.rows);
  const summary = useRuns((s) => s.summary);
  const updatedAt = useRuns((s) => s.updatedAt);
  const errors = useRuns((s) => s.errors);
  const view = useUi((s) => s.runsView);
  if (view.compare !== null) return <CompareTable sweep={view.compare} width={width} height={height} />;
  const listed = listedRuns(rows, view);
  const columns = planRunColumns(width);
  const errorLines = Object.entries(errors).map(([host, e]) => `${host}: ${e}`);
  const filterText = view.typing ? `/${view.filter}▏` : view.filter ? `filter "${view.filter}"` : '';
  const top = [
    `${listed.length}${view.filter ? ` of ${rows.length}` : ''} run${rows.length === 1 ? '' : 's'}`,
    `sorted by ${view.sort}`,
    filterText,
  ]
    .filter(Boolean)
    .join(' · ');
  const fixed = 2 + (summaryLine ? 1 : 0) + errorLines.length;
  const visible = Math.max(0, height - fixed);
  const at = cursorIndex(listed, view.cursorKey);
  const first = followSelection(at, visible, listed.length, 0);
  const shown = listed.slice(first, first + visible);
  return (
    <>
      {summaryLine && <Line width={width}>{summary}</Line>}
      <Line width={width} tone={view.typing ? 'accent' : 'muted'}>
        {top + moreMarker(first, visible, listed.length)}
      </Line>
      {errorLines.map((e) => (
        <Line key={e} width={width} tone="warn">
          {e}
        </Line>
      ))}
      <Row columns={columns} width={width} cells={HEADER} tone="muted" bold />
      {updatedAt === null && (
        <Line width={width} tone="muted">
          reading the runs of every host…
        </Line>
      )}
      {updatedAt !== null && listed.length === 0 && (
        <Line width={width} tone="muted">
          {rows.length ? 'no run matches the filter (Esc clears it)' : 'no runs yet: launch one (L) or a sweep'}
        </Line>
      )}
      {shown.map((r, i) => (
        <RunLine key={r.key} run={r} columns={columns} width={width} selected={first + i === at} />
      ))}
    </>
  );
}
