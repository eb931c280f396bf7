/** A Slurm login node's jobs in place of tmux sessions: mine from squeue, then the ones that left the queue (sacct). */
import { useMemo } from 'react';
import { type ColumnSpec, planColumns } from '../src/format/columns.js';
import { isUp } from '../src/format/connection.js';
import { FAILURE_STATES } from '../src/parsers/slurm.js';
import { type ClusterJobRow, clusterJobRows, slurmClock } from '../src/state/cluster.js';
import { type CellValue, Line, Row } from './Row.js';
import { moreMarker } from './SessionsPane.js';
import { useTrainyard } from './storeContext.js';
import { useShallow } from './useShallow.js';

export const JOB_COLUMNS: readonly ColumnSpec[] = [
  { key: 'id', width: 7, grow: 4, max: 14 },
  { key: 'name', width: 12, grow: 3, max: 40 },
  { key: 'state', width: 9, grow: 1, max: 13 },
  { key: 'reason', width: 10, grow: 2, max: 34 },
  { key: 'gpus', width: 4, align: 'right', drop: 2 },
  { key: 'time', width: 15, align: 'right', drop: 3 },
  { key: 'nodes', width: 8, grow: 5, max: 24, drop: 4 },
];
const JOB_HEADER = {
  id: 'JOB',
  name: 'NAME',
  state: 'STATE',
  reason: 'WHY / END',
  gpus: 'GPUS',
  time: 'ELAPSED/LIMIT',
  nodes: 'NODES',
};

function stateTone(state: string): string | undefined {
  if (state === 'RUNNING') return 'ok';
  if (state === 'PENDING') return 'warn';
  if (FAILURE_STATES.has(state)) return 'bad';
  return 'muted';
}

/** Slurm's own short forms (squeue %t) for states longer than a narrow column. */
const SHORT_STATE: Record<string, string> = {
  OUT_OF_MEMORY: 'OOM',
  CONFIGURING: 'CF',
  COMPLETING: 'CG',
  SPECIAL_EXIT: 'SE',
  RESV_DEL_HOLD: 'RD',
  REQUEUE_FED: 'RF',
  REQUEUE_HOLD: 'RH',
};

function gib(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)}G` : `${Math.round(bytes / 1024 ** 2)}M`;
}

/** One row's cells: a pending job says why it waits, a running one whether a guard watches it, an ended one how it ended. */
export function jobCells(row: ClusterJobRow, guarded: ReadonlySet<string>): Record<string, CellValue> {
  const j = row.job;
  let reason = '';
  if (row.kind === 'queued') {
    const q = row.job;
    if (q.state === 'PENDING') reason = q.reason;
    else if (guarded.has(q.name)) reason = 'guarded';
  } else {
    const f = row.job;
    const end = f.signal !== null ? `signal ${f.signal}` : f.exitCode !== null ? `exit ${f.exitCode}` : '';
    reason = [end, f.maxRssBytes !== null ? `rss ${gib(f.maxRssBytes)}` : ''].filter(Boolean).join(' ');
  }
  const limit = row.kind === 'queued' ? row.job.limit : null;
  return {
    id: j.id,
    name: j.name,
    state: (w: number) => ({
      text: j.state.length > w ? (SHORT_STATE[j.state] ?? j.state) : j.state,
      tone: stateTone(j.state),
    }),
    reason: { text: reason, tone: row.kind === 'queued' && j.state === 'PENDING' ? 'warn' : undefined },
    gpus: row.kind === 'queued' && row.job.gpus ? String(row.job.gpus) : '',
    time:
      row.kind === 'queued' && j.state === 'PENDING'
        ? `-/${slurmClock(limit)}`
        : `${slurmClock(j.elapsed ?? 0)}/${row.kind === 'queued' ? slurmClock(limit) : '-'}`,
    nodes: row.kind === 'queued' ? row.job.nodeList || (row.job.nodes ? String(row.job.nodes) : '') : '',
  };
}

export interface ClusterJobsPaneProps {
  alias: string;
  width: number;
  visible: number;
  scroll: number;
  /** Index of the selected job, highlighted (only while the pane has focus). */
  cursor?: number;
}

export function ClusterJobsPane({ alias, width, visible, scroll, cursor }: ClusterJobsPaneProps) {
  const host = useTrainyard(
    useShallow((s) => {
      const h = s.hosts[alias];
      return h ? { cluster: h.cluster, up: isUp(h.connection.state) } : null;
    }),
  );
  const columns = useMemo(() => planColumns(JOB_COLUMNS, width), [width]);
  const guarded = useMemo(() => new Set(host?.cluster?.guarded ?? []), [host?.cluster?.guarded]);
  if (!host)
    return (
      <Line width={width} tone="muted">
        no host selected
      </Line>
    );
  const rows = host.cluster ? clusterJobRows(host.cluster) : [];
  const top = Math.max(0, Math.min(scroll, rows.length - visible));
  return (
    <>
      <Row
        columns={columns}
        width={width}
        cells={{ ...JOB_HEADER, name: `NAME${moreMarker(top, visible, rows.length)}` }}
        tone="muted"
      />
      {rows.length === 0 && (
        <Line width={width} tone="muted">
          {!host.up ? 'not connected' : host.cluster?.at ? 'no jobs' : 'waiting for the queue (squeue)'}
        </Line>
      )}
      {rows.slice(top, top + visible).map((row, i) => (
        <Row
          key={`${row.kind}${row.job.id}`}
          columns={columns}
          width={width}
          inverse={cursor === top + i}
          cells={jobCells(row, guarded)}
        />
      ))}
    </>
  );
}
