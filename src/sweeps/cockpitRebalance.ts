/**
 * The cockpit keeps the servers' queues balanced while it is open, as `trainyard sweep list` does
 * once: when a look at the runs shows a run waiting in a server queue, at most once every
 * REBALANCE_EVERY_MS, one look at every host and the moves of rebalanceHosts.ts (a queued run
 * leaves a host whose GPUs are all busy for one with GPUs free). With nothing queued it costs
 * nothing; with the cockpit closed the watchdogs go on with the queues as they are.
 */
import type { RunRow } from '../runs/runsModel.js';
import { type Moved, rebalanceFleet } from './rebalanceHosts.js';
import type { SweepSession } from './session.js';

export const REBALANCE_EVERY_MS = 60_000;

export interface QueueRebalancerOptions {
  session: SweepSession;
  /** The moves (tests give their own). */
  rebalance?(session: SweepSession): Promise<Moved[]>;
  now?(): number;
  /** After runs moved: the runs view looks again. */
  onMoved?(moved: Moved[]): void;
}

export class QueueRebalancer {
  private last = Number.NEGATIVE_INFINITY;
  private busy = false;

  constructor(private readonly o: QueueRebalancerOptions) {}

  /** Every look at the runs; `complete`: every connected host was read. */
  onRows(rows: readonly RunRow[], complete: boolean): void {
    if (!complete || this.busy || !rows.some((r) => r.state === 'queued' && r.wantGpus !== null)) return;
    const now = this.o.now?.() ?? Date.now();
    if (now - this.last < REBALANCE_EVERY_MS) return;
    this.last = now;
    this.busy = true;
    void (this.o.rebalance ?? rebalanceFleet)(this.o.session)
      .then((moved) => {
        if (moved.length) this.o.onMoved?.(moved);
      })
      .catch(() => undefined)
      .finally(() => {
        this.busy = false;
      });
  }
}
