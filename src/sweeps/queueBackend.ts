/**
 * A run backend whose launch queues the run instead of starting it: the launch action builds the
 * run exactly as for a start now (parameters, run directory, secrets, manifest, config hash), and
 * this backend writes it as an entry of the host's queue, which the host's watchdog starts when
 * GPUs are free. Everything else (the look at the host, names, files) is the host's own backend.
 */
import type { LaunchRequest, LaunchResult, RunBackend } from '../backends/runBackend.js';
import { buildQueueEntry, EXIT_ENTRY_EXISTS, writeQueueEntryCommand } from './queueEntry.js';

export interface QueueOptions {
  /** GPUs each run needs. */
  want: number;
  share: boolean;
  /** Queued-at time, ms: strictly increasing per call, so entries keep the sweep's order. */
  clock?: () => number;
  /** Told after each entry is written: whether a watchdog runs on the host to start it. */
  onQueued?(host: string, entry: string, watchdogRunning: boolean): void;
}

export function queueBackend(base: RunBackend, options: QueueOptions): RunBackend {
  let last = 0;
  const clock = options.clock ?? Date.now;
  return {
    ...base,
    kind: `${base.kind} queue`,
    async launch(exec, request: LaunchRequest): Promise<LaunchResult> {
      last = Math.max(clock(), last + 1);
      const entry = buildQueueEntry({ launch: request, want: options.want, share: options.share, queuedAt: last });
      const r = await exec(writeQueueEntryCommand(request.host, entry), { timeoutMs: 30_000 });
      if (r.dry) return { kind: 'dry' };
      if (r.code === EXIT_ENTRY_EXISTS) return { kind: 'name-taken' };
      if (r.code !== 0)
        return {
          kind: 'failed',
          code: r.code,
          output: (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' / '),
        };
      options.onQueued?.(request.host, entry.entry, /^@@watchdog 1$/m.test(r.stdout));
      return { kind: 'started' };
    },
    async liveState() {
      // a queued run is not live yet; the launch action only asks when told to verify
      return { kind: 'absent' };
    },
  };
}
