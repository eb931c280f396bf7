/** The list of hosts, windowed to `visible` lines around the selection. */
import { useMemo, useRef } from 'react';
import { followSelection } from '../src/cockpit/layout.js';
import { HOST_HEADER, HostRow, longestAlias, planHostColumns } from './HostRow.js';
import { Line, Row } from './Row.js';
import { useTrainyard } from './storeContext.js';

export interface HostListProps {
  width: number;
  visible: number;
  selected: number;
  focused: boolean;
}

export function HostList({ width, visible, selected, focused }: HostListProps) {
  const order = useTrainyard((s) => s.hostOrder);
  const columns = useMemo(() => planHostColumns(width, longestAlias(order)), [width, order]);
  const top = useRef(0);
  top.current = followSelection(selected, visible, order.length, top.current);
  if (order.length === 0)
    return (
      <Line width={width} tone="muted">
        no hosts configured
      </Line>
    );
  return (
    <>
      {order.slice(top.current, top.current + visible).map((alias, i) => (
        <HostRow
          key={alias}
          alias={alias}
          selected={top.current + i === selected}
          focused={focused}
          columns={columns}
          width={width}
        />
      ))}
    </>
  );
}

/** Column names over the host list. */
export function HostListHeader({ width }: { width: number }) {
  const order = useTrainyard((s) => s.hostOrder);
  const columns = useMemo(() => planHostColumns(width, longestAlias(order)), [width, order]);
  return <Row columns={columns} width={width} cells={HOST_HEADER} tone="muted" />;
}
