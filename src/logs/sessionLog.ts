/**
 * Opens the trainyard log of a tmux session: the run manifest ~/.trainyard/runs/<session>.json
 * names it (field `log`); one exec reads it, then a LogTail follows the file and a
 * MetricsCollector parses it for the chart.
 */
import { RUNS_DIR } from '../remote/layout.js';
import { shScript, type ShellCommand } from '../commands/value.js';
import type { Transport } from '../transport/types.js';
import type { OpenLogResult } from '../cockpit/controller.js';
import { LogTail, type LinkEvents, type LogTailOptions } from './logTail.js';
import { MetricsCollector } from './metrics.js';

export const NO_LOG_MESSAGE = 'no trainyard log for this session';

/** Prints the session's run manifest (nothing when there is none). */
export function manifestCommand(session: string): ShellCommand {
  return shScript(`cat -- "$HOME"/${RUNS_DIR}/"$1".json 2>/dev/null || true`, [session], 'read the run manifest');
}

/** The `log` field of a run manifest's text, or null. */
export function manifestLog(text: string): string | null {
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const m = JSON.parse(line) as { log?: unknown };
      if (typeof m?.log === 'string' && m.log) return m.log;
    } catch {
      // not a manifest line
    }
  }
  return null;
}

export interface OpenSessionLogOptions {
  link?: LinkEvents;
  metricsPattern?: string | null;
  tail?: Partial<Omit<LogTailOptions, 'transport' | 'file' | 'link'>>;
}

export async function openSessionLog(transport: Transport, session: string, options: OpenSessionLogOptions = {}): Promise<OpenLogResult> {
  let file: string | null;
  try {
    const r = await transport.exec(manifestCommand(session), { timeoutMs: 15_000 });
    file = r.code === 0 ? manifestLog(r.stdout) : null;
    if (r.code === null && !file) return { error: `could not read the run manifest: ${r.stderr.trim() || 'connection lost'}` };
  } catch (error) {
    return { error: `could not read the run manifest: ${(error as Error).message}` };
  }
  if (!file) return { error: NO_LOG_MESSAGE };
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
