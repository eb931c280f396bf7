/** The selected host's GPUs (one line each: index, name, util, bar, sparkline, memory, temperature, power) and their compute processes. */
import { memo, useMemo } from 'react';
import { gpuPaneMode } from '../src/cockpit/selectors.js';
import { type ColumnSpec, type PlannedColumn, planColumns } from '../src/format/columns.js';
import {
  formatMemory,
  formatPercent,
  formatPower,
  formatProcessMemory,
  formatTemperature,
  percentBar,
  shortGpuName,
  sparkline,
} from '../src/format/gpu.js';
import type { GpuProcess, GpuSample } from '../src/parsers/nvidiaSmi.js';
import { useStaleAge } from './clocks.js';
import { HostStatusMessage } from './HostStatusMessage.js';
import { Line, Row } from './Row.js';
import { noteRender } from './renderProbe.js';
import { useTrainyard } from './storeContext.js';
import { useShallow } from './useShallow.js';

export const GPU_COLUMNS: readonly ColumnSpec[] = [
  { key: 'index', width: 2, align: 'right' },
  { key: 'name', width: 9, grow: 4, max: 14, drop: 6 },
  { key: 'util', width: 4, align: 'right' },
  { key: 'bar', width: 10, grow: 3, max: 20, drop: 7 },
  { key: 'spark', width: 8, grow: 2, max: 30, drop: 3 },
  { key: 'memory', width: 11, grow: 1, max: 15, align: 'right' },
  { key: 'temp', width: 4, align: 'right', drop: 4 },
  { key: 'power', width: 4, align: 'right', drop: 5 },
];
const GPU_HEADER = {
  index: '#',
  name: 'GPU',
  util: 'UTIL',
  bar: '',
  spark: 'HISTORY',
  memory: 'MEMORY',
  temp: 'TEMP',
  power: 'PWR',
};

export const PROCESS_COLUMNS: readonly ColumnSpec[] = [
  { key: 'gpu', width: 3, align: 'right' },
  { key: 'pid', width: 7, align: 'right' },
  { key: 'name', width: 8, grow: 1, max: 48 },
  { key: 'memory', width: 9, align: 'right' },
];
const PROCESS_HEADER = { gpu: 'GPU', pid: 'PID', name: 'PROCESS', memory: 'MEMORY' };

const tempTone = (c: number | null) => (c === null ? undefined : c >= 87 ? 'bad' : c >= 80 ? 'warn' : undefined);

const GpuRow = memo(function GpuRow({
  gpu,
  history,
  columns,
  width,
  stale,
}: {
  gpu: GpuSample;
  history: readonly number[];
  columns: readonly PlannedColumn[];
  width: number;
  stale: boolean;
}) {
  noteRender('GpuRow', String(gpu.index));
  const memFull =
    gpu.memoryUsedMiB !== null && gpu.memoryTotalMiB ? gpu.memoryUsedMiB / gpu.memoryTotalMiB >= 0.95 : false;
  // Stale figures are drawn dimmed: they are what the GPU did, not what it does.
  const live = (tone: string | undefined) => (stale ? 'muted' : tone);
  return (
    <Row
      columns={columns}
      width={width}
      tone={stale ? 'muted' : undefined}
      cells={{
        index: String(gpu.index),
        name: shortGpuName(gpu.name),
        util: { text: formatPercent(gpu.utilization), tone: live('accent') },
        bar: (w) => ({ text: percentBar(gpu.utilization, w), tone: live('accent') }),
        spark: (w) => ({ text: sparkline(history, w), tone: live('accent') }),
        memory: (w) => ({
          text: formatMemory(gpu.memoryUsedMiB, gpu.memoryTotalMiB, w),
          tone: live(memFull ? 'warn' : undefined),
        }),
        temp: { text: formatTemperature(gpu.temperatureC), tone: live(tempTone(gpu.temperatureC)) },
        power: formatPower(gpu.powerW),
      }}
    />
  );
});

const ProcessRow = memo(function ProcessRow({
  proc,
  gpuIndex,
  columns,
  width,
}: {
  proc: GpuProcess;
  gpuIndex: string;
  columns: readonly PlannedColumn[];
  width: number;
}) {
  return (
    <Row
      columns={columns}
      width={width}
      cells={{ gpu: gpuIndex, pid: String(proc.pid), name: proc.name, memory: formatProcessMemory(proc.memoryMiB) }}
    />
  );
});

type Item = { kind: 'gpu'; gpu: GpuSample } | { kind: 'procHeader' } | { kind: 'proc'; proc: GpuProcess };

export interface GpuPaneProps {
  alias: string;
  width: number;
  /** Lines for the list below the column header. */
  visible: number;
  scroll: number;
}

export function GpuPane({ alias, width, visible, scroll }: GpuPaneProps) {
  noteRender('GpuPane', alias);
  const host = useTrainyard(
    useShallow((s) => {
      const h = s.hosts[alias];
      if (!h) return null;
      return {
        mode: gpuPaneMode(h),
        connection: h.connection,
        gpuError: h.gpuError,
        gpus: h.gpus,
        gpuHistory: h.gpuHistory,
        processes: h.processes,
      };
    }),
  );
  const stale = useStaleAge(alias) !== null;
  const gpuColumns = useMemo(() => planColumns(GPU_COLUMNS, width), [width]);
  const procColumns = useMemo(() => planColumns(PROCESS_COLUMNS, width), [width]);
  if (!host)
    return (
      <Line width={width} tone="muted">
        no host selected
      </Line>
    );
  if (host.mode !== 'rows') {
    return (
      <HostStatusMessage
        mode={host.mode}
        connection={host.connection}
        gpuError={host.gpuError}
        width={width}
        height={visible + 1}
      />
    );
  }
  const items: Item[] = host.gpus.map((gpu) => ({ kind: 'gpu', gpu }));
  if (host.processes.length > 0) {
    items.push({ kind: 'procHeader' });
    for (const proc of host.processes) items.push({ kind: 'proc', proc });
  }
  const indexByUuid = new Map(host.gpus.map((g) => [g.uuid, String(g.index)]));
  const top = Math.max(0, Math.min(scroll, items.length - visible));
  return (
    <>
      <Row columns={gpuColumns} width={width} cells={GPU_HEADER} tone="muted" />
      {items.slice(top, top + visible).map((item) => {
        if (item.kind === 'gpu')
          return (
            <GpuRow
              key={`g${item.gpu.index}`}
              gpu={item.gpu}
              history={host.gpuHistory[item.gpu.index] ?? []}
              columns={gpuColumns}
              width={width}
              stale={stale}
            />
          );
        if (item.kind === 'procHeader')
          return <Row key="ph" columns={procColumns} width={width} cells={PROCESS_HEADER} tone="muted" />;
        return (
          <ProcessRow
            key={`p${item.proc.pid}:${item.proc.gpuUuid}`}
            proc={item.proc}
            gpuIndex={indexByUuid.get(item.proc.gpuUuid) ?? '?'}
            columns={procColumns}
            width={width}
          />
        );
      })}
    </>
  );
}
