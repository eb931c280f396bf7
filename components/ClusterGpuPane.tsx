/** A Slurm login node's GPUs: per partition (total / used / free, on drained or down nodes), then per node, from sinfo. */
import { useMemo } from 'react';
import { type ColumnSpec, planColumns } from '../src/format/columns.js';
import { isUp } from '../src/format/connection.js';
import { percentBar } from '../src/format/gpu.js';
import { gpuTotals, type SlurmNode } from '../src/parsers/slurm.js';
import { HostStatusMessage } from './HostStatusMessage.js';
import { Line, Row } from './Row.js';
import { useTrainyard } from './storeContext.js';
import { useShallow } from './useShallow.js';

export const PARTITION_COLUMNS: readonly ColumnSpec[] = [
  { key: 'name', width: 10, grow: 2, max: 24 },
  { key: 'gpus', width: 4, align: 'right' },
  { key: 'used', width: 4, align: 'right' },
  { key: 'free', width: 4, align: 'right' },
  { key: 'down', width: 4, align: 'right', drop: 2 },
  { key: 'bar', width: 10, grow: 1, max: 30, drop: 1 },
];
const PARTITION_HEADER = { name: 'PARTITION', gpus: 'GPUS', used: 'USED', free: 'FREE', down: 'DOWN', bar: '' };

export const NODE_COLUMNS: readonly ColumnSpec[] = [
  { key: 'host', width: 10, grow: 2, max: 24 },
  { key: 'partition', width: 8, grow: 3, max: 16, drop: 2 },
  { key: 'state', width: 10, grow: 1, max: 14 },
  { key: 'gpus', width: 6, align: 'right' },
  { key: 'bar', width: 8, grow: 4, max: 20, drop: 1 },
];
const NODE_HEADER = { host: 'NODE', partition: 'PARTITION', state: 'STATE', gpus: 'USED', bar: '' };

type Item =
  | { kind: 'partition'; name: string; total: number; used: number; free: number; down: number }
  | { kind: 'nodeHeader' }
  | { kind: 'node'; node: SlurmNode; partitions: string };

/** Partitions, then each node once (with every partition it is in): the pane's lines below its header. */
export function clusterGpuItems(nodes: readonly SlurmNode[]): Item[] {
  const { partitions } = gpuTotals([...nodes]);
  const defaults = new Set(nodes.filter((n) => n.defaultPartition).map((n) => n.partition));
  const items: Item[] = [...partitions].map(([name, c]) => ({
    kind: 'partition',
    name: defaults.has(name) ? `${name}*` : name,
    total: c.total,
    used: c.used,
    free: c.free,
    down: c.unavailable,
  }));
  const byHost = new Map<string, { node: SlurmNode; partitions: string[] }>();
  for (const n of nodes) {
    const seen = byHost.get(n.host);
    if (seen) seen.partitions.push(n.partition);
    else byHost.set(n.host, { node: n, partitions: [n.partition] });
  }
  if (byHost.size > 0) items.push({ kind: 'nodeHeader' });
  for (const { node, partitions: p } of byHost.values()) items.push({ kind: 'node', node, partitions: p.join(',') });
  return items;
}

export interface ClusterGpuPaneProps {
  alias: string;
  width: number;
  /** Lines for the list below the column header. */
  visible: number;
  scroll: number;
}

export function ClusterGpuPane({ alias, width, visible, scroll }: ClusterGpuPaneProps) {
  const host = useTrainyard(
    useShallow((s) => {
      const h = s.hosts[alias];
      return h
        ? { connection: h.connection, nodes: h.cluster?.at ? h.cluster.nodes : null, error: h.cluster?.error ?? null }
        : null;
    }),
  );
  const partitionColumns = useMemo(() => planColumns(PARTITION_COLUMNS, width), [width]);
  const nodeColumns = useMemo(() => planColumns(NODE_COLUMNS, width), [width]);
  const items = useMemo(() => clusterGpuItems(host?.nodes ?? []), [host?.nodes]);
  if (!host)
    return (
      <Line width={width} tone="muted">
        no host selected
      </Line>
    );
  if (!isUp(host.connection.state))
    return (
      <HostStatusMessage mode="down" connection={host.connection} gpuError={null} width={width} height={visible + 1} />
    );
  if (host.nodes === null)
    return (
      <Line width={width} tone="muted">
        waiting for the cluster (sinfo)
      </Line>
    );
  const rows = host.error ? Math.max(0, visible - 1) : visible;
  const top = Math.max(0, Math.min(scroll, items.length - rows));
  return (
    <>
      <Row columns={partitionColumns} width={width} cells={PARTITION_HEADER} tone="muted" />
      {host.error && (
        <Line width={width} tone="bad">
          {host.error}
        </Line>
      )}
      {items.length === 0 && (
        <Line width={width} tone="muted">
          no nodes
        </Line>
      )}
      {items.slice(top, top + rows).map((item) => {
        if (item.kind === 'partition')
          return (
            <Row
              key={`p${item.name}`}
              columns={partitionColumns}
              width={width}
              cells={{
                name: item.name,
                gpus: String(item.total),
                used: String(item.used),
                free: { text: String(item.free), tone: item.free > 0 ? 'ok' : 'warn' },
                down: { text: item.down ? String(item.down) : '', tone: 'bad' },
                bar: (w) => ({
                  text: percentBar(item.total ? (100 * item.used) / item.total : 0, w),
                  tone: 'accent',
                }),
              }}
            />
          );
        if (item.kind === 'nodeHeader')
          return <Row key="nh" columns={nodeColumns} width={width} cells={NODE_HEADER} tone="muted" />;
        const n = item.node;
        return (
          <Row
            key={`n${n.host}`}
            columns={nodeColumns}
            width={width}
            tone={n.unavailable ? 'bad' : undefined}
            cells={{
              host: n.host,
              partition: item.partitions,
              state: n.unavailable ? n.state.toUpperCase() : n.state,
              gpus: `${n.gpusUsed}/${n.gpus}`,
              bar: (w) => ({ text: percentBar(n.gpus ? (100 * n.gpusUsed) / n.gpus : 0, w), tone: 'accent' }),
            }}
          />
        );
      })}
    </>
  );
}
