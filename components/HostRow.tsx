/** One host in the list: marker, alias, state, mean GPU utilisation, session counts. Re-renders only when its own summary changes. */
import { memo } from 'react';
import { hostSummary } from '../src/cockpit/selectors.js';
import { type ColumnSpec, type PlannedColumn, planColumns } from '../src/format/columns.js';
import { connectionLabel } from '../src/format/connection.js';
import { formatPercent, NONE } from '../src/format/gpu.js';
import type { Segment } from '../src/format/text.js';
import { useStaleAge } from './clocks.js';
import { Row } from './Row.js';
import { noteRender } from './renderProbe.js';
import { useTrainyard } from './storeContext.js';
import { useShallow } from './useShallow.js';

export const HOST_COLUMNS: readonly ColumnSpec[] = [
  { key: 'marker', width: 1 },
  { key: 'alias', width: 6, grow: 1, max: 24 },
  { key: 'glyph', width: 1 },
  { key: 'state', width: 12, drop: 3 },
  { key: 'util', width: 4, align: 'right', drop: 1 },
  { key: 'sessions', width: 8, drop: 2 },
];

/** Columns for a list whose longest alias is `longestAlias` long: the alias is kept whole before the state word. */
export function planHostColumns(width: number, longestAlias: number): PlannedColumn[] {
  const aliasWidth = Math.max(6, Math.min(24, longestAlias));
  return planColumns(
    HOST_COLUMNS.map((c) => (c.key === 'alias' ? { ...c, width: aliasWidth } : c)),
    width,
  );
}

export function longestAlias(order: readonly string[]): number {
  return order.reduce((n, a) => Math.max(n, [...a].length), 0);
}

export const HOST_HEADER = { marker: '', alias: 'HOST', glyph: '', state: 'STATE', util: 'GPU', sessions: 'SESSIONS' };

export interface HostRowProps {
  alias: string;
  selected: boolean;
  /** Selection shows in reverse video while the host list has focus, in bold otherwise. */
  focused: boolean;
  columns: readonly PlannedColumn[];
  width: number;
}

export const HostRow = memo(function HostRow({ alias, selected, focused, columns, width }: HostRowProps) {
  noteRender('HostRow', alias);
  const summary = useTrainyard(useShallow((s) => hostSummary(s.hosts[alias])));
  const stale = useStaleAge(alias);
  const known = summary.state
    ? connectionLabel(summary.state)
    : { glyph: '?', word: 'unknown', tone: 'muted' as const };
  // Connected, but no sample for a while: the link may be dead before keepalive says so.
  const label = stale ? { glyph: '◌', word: `silent ${stale}`, tone: 'warn' as const } : known;
  const sessions: Segment[] = [
    { text: `▶${summary.running}`, tone: summary.running > 0 ? 'ok' : 'muted' },
    { text: ` ✓${summary.finished}`, tone: 'muted' },
    { text: ` ✗${summary.crashed}`, tone: summary.crashed > 0 ? 'bad' : 'muted' },
  ];
  return (
    <Row
      columns={columns}
      width={width}
      inverse={selected && focused}
      bold={selected && !focused}
      cells={{
        marker: selected ? '▸' : ' ',
        alias,
        glyph: { text: label.glyph, tone: label.tone },
        state: { text: label.word, tone: label.tone },
        util:
          summary.avgUtil === null
            ? { text: NONE, tone: 'muted' }
            : stale
              ? { text: formatPercent(summary.avgUtil), tone: 'muted' }
              : formatPercent(summary.avgUtil),
        sessions: { segments: sessions },
      }}
    />
  );
});
