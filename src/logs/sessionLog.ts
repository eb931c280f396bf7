/**
 * Opens the trainyard log of a run: its backend says where the log is (a tmux run's manifest
 * names it), then a LogTail follows the file and a MetricsCollector parses it for the chart.
 */
import { transportExec } from '../backends/runBackend.js';
import { tmuxBackend } from '../backends/tmux/tmuxBackend.js';
import type { OpenLogResult } from '../cockpit/controller.js';
import type { Transport } from '../transport/types.js';
import { type LinkEvents, LogTail, type LogTailOptions } from './logTail.js';
import { MetricsCollector } from './metrics.js';

export const NO_LOG_MESSAGE = 'no trainyard log for this session';

export interface OpenSessionLogOptions {
  /** The host alias, for messages. */
  host?: string;
  link?: LinkEvents;
  metricsPattern?: string | null;
  tail?: Partial<Omit<LogTailOptions, 'transport' | 'file' | 'link'>>;
}

export async function openSessionLog(
  transport: Transport,
  session: string,
  options: OpenSessionLogOptions = {},
): Promise<OpenLogResult> {
  let file: string;
  try {
    const found = await tmuxBackend.logPath(transportExec(transport), options.host ?? 'the host', session);
    if (found.kind === 'unreadable') return { error: `could not read the run manifest: ${found.why}` };
    if (found.kind === 'none') return { error: NO_LOG_MESSAGE };
    file = found.path;
  } catch (error) {
    return { error: `could not read the run manifest: ${(error as Error).message}` };
  }
  const tail = new LogTail({ ...options.tail, transport, file, link: options.link });
  const metrics = new MetricsCollector(options.metricsPattern ?? null);
  const detach = metrics.attach(tail);
  tail.start();
  let closed = false;
  return {
    tail,
    metrics,
    file,
    close: () => {
      if (closed) return;
      closed = true;
      detach();
      tail.stop();
    },
  };
}
