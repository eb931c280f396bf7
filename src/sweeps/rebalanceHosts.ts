/**
 * Rebalancing, done: each move planned by ./rebalance.ts claims the entry on its host (mv to
 * .moving-…, so its watchdog cannot start it meanwhile), queues the same run on the other host
 * through the launch action with the queue backend (that host's paths, the same name, parameters
 * and queued-at time), then deletes the claimed copy — or puts it back when queuing there failed.
 * The CLI's sweep commands call it, and the cockpit can call it on each refresh.
 */
import type { HostLook } from './fleetLook.js';
import { capacityOf } from './fleetLook.js';
import { freeGpus } from './placement.js';
import { queueBackend } from './queueBackend.js';
import {
  claimQueueEntryCommand,
  dropMovedEntryCommand,
  EXIT_ENTRY_GONE,
  restoreMovedEntryCommand,
} from './queueCommands.js';
import { type HostQueue, type Move, planRebalance } from './rebalance.js';
import { backendOf, hostExec, runAction, type SweepSession } from './session.js';
import { lookAtHosts } from './startSweep.js';

export interface Moved {
  id: string;
  from: string;
  to: string;
}

/** The rebalancing plan for what the looks saw. */
export function rebalancePlan(looks: readonly HostLook[]): Move[] {
  const stopped = new Set(looks.flatMap((l) => (l.look?.sweeps ?? []).filter((w) => w.stopped).map((w) => w.name)));
  const pinned = new Set(looks.flatMap((l) => (l.look?.sweeps ?? []).filter((w) => w.capped).map((w) => w.name)));
  const queues: HostQueue[] = looks.map((l) => ({
    host: l.host,
    free: l.error || !l.look?.gpus ? null : freeGpus(capacityOf(l), false, null).length,
    entries: l.queue
      .filter((e) => e.state === 'queued' && e.manifest)
      .map((e) => ({ name: e.entry, want: e.want ?? 1, sweep: e.manifest?.sweep ?? null })),
  }));
  return planRebalance(queues, stopped, pinned);
}

export async function rebalance(s: SweepSession, looks: readonly HostLook[]): Promise<Moved[]> {
  const moved: Moved[] = [];
  for (const m of rebalancePlan(looks)) {
    const listed = looks.find((l) => l.host === m.from)?.queue.find((e) => e.entry === m.entry.name);
    const manifest = listed?.manifest;
    if (!listed || !manifest) continue;
    s.output(`› moving queued ${listed.runId} from ${m.from} (GPUs busy) to ${m.to} (GPUs free)`, 'step');
    const from = await hostExec(s, m.from);
    const claim = await from(claimQueueEntryCommand(m.from, listed.entry), { timeoutMs: 20_000 });
    if (claim.code === EXIT_ENTRY_GONE) continue; // its watchdog started it, or another laptop moved it first
    if (claim.code !== 0) {
      s.output(`could not claim ${listed.runId} on ${m.from}: ${claim.stderr.trim()}`, 'warn');
      continue;
    }
    const backend = queueBackend(await backendOf(s, m.to), {
      want: listed.want ?? 1,
      share: listed.share,
      clock: () => listed.queuedAt,
    });
    const v = await runAction(
      s,
      'launch',
      {
        host: m.to,
        project: manifest.project,
        params: {
          session: listed.runId,
          gpus: 'all',
          runParams: manifest.params ?? {},
          sweep: manifest.sweep ?? null,
          by: s.by === 'agent' ? ('agent' as const) : undefined,
          verifyMs: 0,
        },
      },
      { backend, quiet: ['step'] },
    );
    if (v.outcome === 'ok') {
      await from(dropMovedEntryCommand(m.from, listed.entry), { timeoutMs: 20_000 });
      moved.push({ id: listed.runId, from: m.from, to: m.to });
      s.output(`moved ${listed.runId} from ${m.from} to ${m.to}`, 'step');
    } else {
      await from(restoreMovedEntryCommand(m.from, listed.entry), { timeoutMs: 20_000 });
      s.output(`could not queue ${listed.runId} on ${m.to} (${v.summary}): it stays on ${m.from}`, 'warn');
    }
  }
  return moved;
}

/** One look at every configured host, then the moves (the cockpit can call it on each refresh). Never throws. */
export async function rebalanceFleet(s: SweepSession): Promise<Moved[]> {
  try {
    return await rebalance(
      s,
      await lookAtHosts(
        s,
        s.config.hosts.map((h) => h.alias),
        null,
      ),
    );
  } catch (error) {
    s.output(`rebalancing: ${(error as Error).message}`, 'warn');
    return [];
  }
}
