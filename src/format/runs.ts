/** Pure formatting of Runs model rows, shared by the cockpit's Runs pane and `trainyard runs`. */
import type { RunRow } from '../runs/runsModel.js';
import type { ColumnSpec } from './columns.js';

/** "42s", "5m", "1h05m", "2d03h": short, and at most minute resolution past an hour. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}h`;
}

/** "epoch 34/50 68%", "step 450/1000 45%"; "" without progress. */
export function formatProgress(p: RunRow['progress'], short = false): string {
  if (!p) return '';
  const pct = `${Math.floor(p.percent)}%`;
  const word = p.kind === 'tqdm' ? '' : short ? (p.kind === 'epoch' ? 'ep ' : '') : `${p.kind} `;
  return `${word}${p.done}/${p.total} ${pct}`;
}

/** A loss value in 4 significant digits; nan and inf as they are. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** "gpu-a:0,1", "gpu-a:all", queued "gpu-a (wants 2)". */
export function formatPlace(r: Pick<RunRow, 'host' | 'gpus' | 'state' | 'wantGpus'>): string {
  if (r.state === 'queued') return `${r.host} (wants ${r.wantGpus ?? 1})`;
  return `${r.host}:${r.gpus ?? 'all'}`;
}

/** "crashed 1", "finished", "running": the state, with a crash's exit code. */
export function formatState(r: Pick<RunRow, 'state' | 'exitCode'>): string {
  return r.state === 'crashed' && r.exitCode !== null ? `crashed ${r.exitCode}` : r.state;
}

/** A row's fields as text, in the order of RUN_COLUMNS. */
export function runCells(r: RunRow): Record<RunColumn, string> {
  return {
    name: r.id,
    state: formatState(r),
    progress: formatProgress(r.progress),
    place: formatPlace(r),
    loss: r.loss ? formatNumber(r.loss.value) : '',
    eta: r.state === 'running' && r.etaSeconds !== null ? formatDuration(r.etaSeconds) : '',
    runtime: r.runtimeSeconds === null ? '' : formatDuration(r.runtimeSeconds),
    sweep: r.sweep ?? '',
  };
}

export type RunColumn = 'name' | 'state' | 'progress' | 'place' | 'loss' | 'eta' | 'runtime' | 'sweep';

/**
 * Columns in the order they are shown; as width allows (name, state and progress always, then
 * host:GPU, loss, ETA, runtime, sweep: the drop ranks remove them from the end first).
 */
export const RUN_COLUMNS: readonly (ColumnSpec<RunColumn> & { title: string })[] = [
  { key: 'name', title: 'run', width: 10, grow: 1, max: 32 },
  { key: 'state', title: 'state', width: 10 },
  { key: 'progress', title: 'progress', width: 12, grow: 2, max: 20 },
  { key: 'place', title: 'host:GPU', width: 14, drop: 2, grow: 3, max: 20 },
  { key: 'loss', title: 'loss', width: 8, align: 'right', drop: 3 },
  { key: 'eta', title: 'ETA', width: 6, align: 'right', drop: 4 },
  { key: 'runtime', title: 'runtime', width: 7, align: 'right', drop: 5 },
  { key: 'sweep', title: 'sweep', width: 10, drop: 6, grow: 4, max: 24 },
];
