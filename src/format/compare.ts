/** A comparison table as cells, CSV, Markdown and JSON (the CLI and the cockpit draw the same cells). */
import type { CompareTable } from '../runs/compare.js';
import { formatNumber } from './runs.js';

export const SUMMARY_PARTS = ['final', 'min', 'best'] as const;

/** The header and one row of cells per run: best mark, run, host:GPU, state, the differing params, then final/min/best of each metric. */
export function compareCells(table: CompareTable, exact = false): { head: string[]; rows: string[][] } {
  const num = (v: number | undefined) => (v === undefined ? '' : exact ? String(v) : formatNumber(v));
  const head = [
    'best',
    'run',
    'host:GPU',
    'state',
    ...table.paramNames,
    ...table.metricNames.flatMap((m) => SUMMARY_PARTS.map((p) => `${m} ${p}`)),
  ];
  const rows = table.rows.map((r) => [
    r.best ? '*' : '',
    r.id,
    `${r.host}:${r.gpus ?? 'all'}`,
    r.state,
    ...table.paramNames.map((p) => r.params[p] ?? ''),
    ...table.metricNames.flatMap((m) => SUMMARY_PARTS.map((p) => num(r.metrics[m]?.[p]))),
  ]);
  return { head, rows };
}

const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
/** A spreadsheet would run a cell starting with = + - @ as a formula: such text gets a leading quote. */
const inert = (s: string) => (/^[=+\-@\t\r]/.test(s) && !/^-?[0-9.]+(e[-+]?[0-9]+)?$/i.test(s) ? `'${s}` : s);

export function compareCsv(table: CompareTable): string {
  const { head, rows } = compareCells(table, true);
  return [head, ...rows].map((r) => r.map((c) => csvCell(inert(c))).join(',')).join('\n');
}

const mdCell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function compareMarkdown(table: CompareTable): string {
  const { head, rows } = compareCells(table);
  return [
    `| ${head.map(mdCell).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
  ].join('\n');
}

/** The top `n` rows in one line each ("* run-3 lr=1e-3 val_loss best 0.21"), for an alert. */
export function topRows(table: CompareTable, n = 3): string[] {
  return table.rows.slice(0, n).map((r, i) => {
    const params = table.paramNames.map((p) => `${p}=${r.params[p]}`).join(' ');
    const metric = table.primary ? r.metrics[table.primary.name] : undefined;
    const value = table.primary && metric ? ` ${table.primary.name} ${formatNumber(metric.best)}` : '';
    return `${i + 1}. ${r.id}${params ? ` ${params}` : ''}${value}${r.best ? ' (best)' : ''}`;
  });
}
