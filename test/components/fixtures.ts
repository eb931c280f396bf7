/**
 * Store contents built from REAL nvidia-smi output captured on one H100 (test/fixtures/nvidia-smi/h100),
 * run through the real parsers. The capture has ONE GPU: multi-GPU hosts replicate that record with the
 * index (and the UUID's last byte, as test/fakebin/nvidia-smi does) changed.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import type { ActionTarget } from '../../src/actions/runner.js';
import type { ActionId } from '../../src/actions/types.js';
import type { ActionsController } from '../../src/cockpit/controller.js';
import {
  APP_QUERY_FIELDS,
  GPU_QUERY_FIELDS,
  type GpuProcess,
  type GpuSample,
  parseAppLines,
  parseGpuLine,
} from '../../src/parsers/nvidiaSmi.js';
import { parseTmuxSessions, TMUX_SESSION_FORMAT, type TmuxSession } from '../../src/parsers/tmux.js';
import { createActionsStore } from '../../src/state/actionsStore.js';
import { createTrainyardStore, patchHost, recordGpuSample, type TrainyardStore } from '../../src/state/store.js';

const DIR = fileURLToPath(new URL('../fixtures/nvidia-smi/h100/', import.meta.url));
const read = (name: string) => readFileSync(DIR + name, 'utf8');

/** field -> value for one column of query-*.tsv (what nvidia-smi prints for that field). */
function tsvColumn(file: string, column: string): Map<string, string> {
  const [header, ...rows] = read(file)
    .trim()
    .split('\n')
    .map((l) => l.split('\t'));
  const at = header.indexOf(column);
  if (at < 0) throw new Error(`${file} has no column ${column}`);
  return new Map(rows.map((r) => [r[0], r[at]]));
}

function lineFor(values: Map<string, string>, fields: readonly string[]): string {
  return fields
    .map((f) => {
      const v = values.get(f);
      if (v === undefined) throw new Error(`fixture lacks ${f}`);
      return v;
    })
    .join(', ');
}

/** The line nvidia-smi prints for our --query-gpu fields (csv,noheader,nounits), idle or under load. */
export function realGpuLine(kind: 'idle' | 'load'): string {
  return lineFor(tsvColumn('query-gpu.tsv', `${kind}_nounits`), GPU_QUERY_FIELDS);
}

export function realGpu(kind: 'idle' | 'load'): GpuSample {
  const g = parseGpuLine(realGpuLine(kind));
  if (!g) throw new Error('fixture GPU line did not parse');
  return g;
}

/**
 * load-loop-lms500.csv: `--query-gpu=index,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw -lms 500`,
 * completed with the uuid and name of the load record so parseGpuLine gets our field order.
 */
export function realLoopSamples(): GpuSample[] {
  const load = tsvColumn('query-gpu.tsv', 'load_nounits');
  return read('load-loop-lms500.csv')
    .trim()
    .split('\n')
    .map((line) => {
      const [index, util, used, total, temp, power] = line.split(', ');
      const values = new Map(load);
      for (const [k, v] of Object.entries({
        index,
        'utilization.gpu': util,
        'memory.used': used,
        'memory.total': total,
        'temperature.gpu': temp,
        'power.draw': power,
      }))
        values.set(k, v);
      const g = parseGpuLine(lineFor(values, GPU_QUERY_FIELDS));
      if (!g) throw new Error('loop line did not parse');
      return g;
    });
}

/** The real compute process seen under load (query-compute-apps.tsv, our APP_QUERY_FIELDS order). */
export function realProcess(): GpuProcess {
  const [p] = parseAppLines(lineFor(tsvColumn('query-compute-apps.tsv', 'load_nounits'), APP_QUERY_FIELDS));
  if (!p) throw new Error('fixture process did not parse');
  return p;
}

/** GPU i of a replicated host: the real record with index i and the UUID's last byte = (0x79 + i) mod 256. */
export function replicateGpu(g: GpuSample, i: number): GpuSample {
  const last = ((0x79 + i) % 256).toString(16).padStart(2, '0');
  return { ...g, index: i, uuid: g.uuid.slice(0, -2) + last };
}

export function replicateProcess(p: GpuProcess, gpu: GpuSample, i: number): GpuProcess {
  return { ...p, pid: p.pid + i, gpuUuid: gpu.uuid };
}

export interface SessionSpec {
  name: string;
  ageSeconds: number;
  /** running, or the dead pane's exit status / signal. */
  exit?: number;
  signal?: number;
  attached?: boolean;
}

/** Sessions as tmux prints them for TMUX_SESSION_FORMAT (each #{field} filled in), parsed by the real parser. */
export function sessionsFrom(specs: SessionSpec[], nowSeconds = Math.floor(Date.now() / 1000)): TmuxSession[] {
  const text = specs
    .map((s) => {
      const dead = s.exit !== undefined || s.signal !== undefined;
      const values: Record<string, string | number> = {
        session_name: s.name,
        session_created: nowSeconds - s.ageSeconds,
        session_attached: s.attached ? 1 : 0,
        session_windows: 1,
        pane_dead: dead ? 1 : 0,
        pane_dead_status: dead && s.exit !== undefined ? s.exit : '',
        pane_dead_signal: s.signal ?? '',
        pane_dead_time: dead ? nowSeconds - 5 : '',
      };
      return TMUX_SESSION_FORMAT.replace(/#\{(\w+)\}/g, (_m, field: string) => {
        if (!(field in values)) throw new Error(`fixture does not know tmux field ${field}`);
        return String(values[field]);
      });
    })
    .join('\n');
  const sessions = parseTmuxSessions(text + '\n');
  if (sessions.length !== specs.length) throw new Error('tmux fixture did not parse');
  return sessions;
}

export const MIXED_SESSIONS: SessionSpec[] = [
  { name: 'train01', ageSeconds: 5 * 60 + 10, attached: true },
  { name: 'train02', ageSeconds: 3 * 3600 + 100, exit: 0 },
  { name: 'train03', ageSeconds: 2 * 86400 + 50, exit: 1 },
  { name: 'train04', ageSeconds: 30, signal: 15 },
];

export function manySessions(n: number): SessionSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `sweep-lr${i}-bs${64 << (i % 3)}`,
    ageSeconds: 600 * (i + 1),
    ...(i % 4 === 3 ? { exit: 1 } : i % 4 === 2 ? { exit: 0 } : {}),
  }));
}

/** A connected host with `gpus` replicated H100s: a few idle samples then the real -lms 500 loop, so the sparkline climbs. */
export function fillConnectedHost(
  store: TrainyardStore,
  alias: string,
  opts: { gpus?: number; sessions?: SessionSpec[]; processes?: boolean } = {},
): void {
  const n = opts.gpus ?? 1;
  patchHost(store, alias, {
    connection: { state: 'connected', attempt: 0, nextRetryAt: null, error: null, hint: null },
  });
  const idle = realGpu('idle');
  for (let k = 0; k < 4; k++)
    recordGpuSample(
      store,
      alias,
      Array.from({ length: n }, (_, i) => replicateGpu(idle, i)),
    );
  for (const sample of realLoopSamples())
    recordGpuSample(
      store,
      alias,
      Array.from({ length: n }, (_, i) => replicateGpu(sample, i)),
    );
  const gpus = store.getState().hosts[alias].gpus;
  const proc = realProcess();
  patchHost(store, alias, {
    processes: opts.processes === false ? [] : gpus.map((g, i) => replicateProcess(proc, g, i)),
    sessions: sessionsFrom(opts.sessions ?? MIXED_SESSIONS),
    sessionsUpdatedAt: Date.now(),
  });
}

export function makeStore(aliases: string[]): TrainyardStore {
  return createTrainyardStore(aliases.map((alias) => ({ alias })));
}

/** 8 hosts x 8 GPUs x 12 sessions: the biggest fleet the layout tests use. */
export function bigFleet(hosts = 8): TrainyardStore {
  const aliases = Array.from({ length: hosts }, (_, i) => `gpu-node-${i + 1}`);
  const store = makeStore(aliases);
  for (const a of aliases) fillConnectedHost(store, a, { gpus: 8, sessions: manySessions(12) });
  return store;
}

/** The cockpit's actions as a test sees them: starts and cancels recorded; an answer takes the question down, as the runner does. */
export function fakeRunner() {
  const store = createActionsStore();
  return {
    store,
    start: vi.fn<(action: ActionId, target: ActionTarget) => unknown>(),
    cancel: vi.fn<(runId: number) => void>(),
    answer: vi.fn((_id: number, _value: boolean | string | null) => store.setState({ question: null })),
  } satisfies ActionsController;
}
