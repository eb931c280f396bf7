/**
 * Rebalancing, decided here and done by src/sweeps/rebalanceHosts.ts: a queued run waiting on a
 * host whose GPUs are all busy moves to a host that has GPUs free beyond what its own queue will
 * take. Pure: each host's free GPUs and queue come in, the moves come out.
 *
 * Each host's own watchdog starts its queue in strict FIFO order (an entry that does not fit holds
 * up the ones behind it), so that is simulated first: the entries a host starts itself stay; GPUs
 * left over after its own queue are spare. Then the
 * oldest entries still waiting anywhere move to the first host (preference order) with enough
 * spare GPUs. An entry keeps its name (queued-at time first), so it keeps its place in FIFO order.
 */

export interface QueuedEntry {
  /** <13-digit queuedAt ms>-<runId> */
  name: string;
  want: number;
  sweep: string | null;
}

export interface HostQueue {
  host: string;
  /** Free GPU count now (src/sweeps/placement.ts freeGpus); null: unreadable, nothing moves to or from it. */
  free: number | null;
  /** In FIFO order. */
  entries: QueuedEntry[];
}

export interface Move {
  entry: QueuedEntry;
  from: string;
  to: string;
}

/**
 * `stopped`: sweeps whose queued runs the runner drops (they neither move nor take GPUs).
 * `pinned`: sweeps whose queued runs stay where they are (a capped sweep's runs wait for their
 * host's share of the cap, which another host does not have).
 */
export function planRebalance(
  hosts: readonly HostQueue[],
  stopped: ReadonlySet<string> = new Set(),
  pinned: ReadonlySet<string> = new Set(),
): Move[] {
  const spare = new Map<string, number>();
  const waiting: { entry: QueuedEntry; host: string }[] = [];
  for (const h of hosts) {
    if (h.free === null) continue;
    let free = h.free;
    let blocked = false;
    const sorted = [...h.entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of sorted) {
      if (e.sweep !== null && stopped.has(e.sweep)) continue;
      // strict FIFO, as the watchdog runs it: behind an entry that does not fit, every entry waits
      if (!blocked && e.want <= free) free -= e.want;
      else {
        blocked = true;
        if (e.sweep === null || !pinned.has(e.sweep)) waiting.push({ entry: e, host: h.host });
      }
    }
    spare.set(h.host, free);
  }
  waiting.sort((a, b) => (a.entry.name < b.entry.name ? -1 : a.entry.name > b.entry.name ? 1 : 0));
  const moves: Move[] = [];
  for (const w of waiting) {
    const to = hosts.find((h) => h.host !== w.host && (spare.get(h.host) ?? 0) >= w.entry.want);
    if (!to) continue;
    spare.set(to.host, (spare.get(to.host) ?? 0) - w.entry.want);
    moves.push({ entry: w.entry, from: w.host, to: to.host });
  }
  return moves;
}
