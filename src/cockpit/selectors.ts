/** Pure projections of the store that the views subscribe to (small, so shallow comparison is cheap). */
import type { ConnectionStateName, HostState, TrainyardState } from '../state/store.js';
import { isUp } from '../format/connection.js';
import { averageUtilization } from '../format/gpu.js';
import { countSessions } from '../format/sessions.js';
import type { PaneCounts } from './layout.js';

export interface HostSummary {
  state: ConnectionStateName | null;
  /** Rounded mean utilisation while connected, else null. */
  avgUtil: number | null;
  running: number;
  finished: number;
  crashed: number;
}

export function hostSummary(h: HostState | undefined): HostSummary {
  if (!h) return { state: null, avgUtil: null, running: 0, finished: 0, crashed: 0 };
  const avg = isUp(h.connection.state) && !h.gpuError ? averageUtilization(h.gpus) : null;
  return { state: h.connection.state, avgUtil: avg === null ? null : Math.round(avg), ...countSessions(h.sessions) };
}

export function headerCounts(s: TrainyardState): { total: number; up: number } {
  let up = 0;
  for (const alias of s.hostOrder) if (s.hosts[alias] && isUp(s.hosts[alias].connection.state)) up++;
  return { total: s.hostOrder.length, up };
}

/** What the GPU pane shows: live rows, or one message in their place. */
export type GpuPaneMode = 'rows' | 'down' | 'gpu-error' | 'waiting';

export function gpuPaneMode(h: HostState): GpuPaneMode {
  if (!isUp(h.connection.state)) return 'down';
  if (h.gpuError) return 'gpu-error';
  if (h.gpus.length === 0) return 'waiting';
  return 'rows';
}

/** Lines kept for the message shown instead of GPU rows (state and retry, then error and hint, which may wrap). */
export const MESSAGE_LINES = 5;

export function paneCounts(h: HostState | undefined): PaneCounts {
  if (!h) return { gpuLines: 1, sessionLines: 1 };
  const gpuLines = gpuPaneMode(h) === 'rows' ? h.gpus.length + (h.processes.length > 0 ? 1 + h.processes.length : 0) : MESSAGE_LINES;
  return { gpuLines, sessionLines: Math.max(1, h.sessions.length + (h.sessionsError ? 1 : 0)) };
}
