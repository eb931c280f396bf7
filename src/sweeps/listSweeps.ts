/**
 * `trainyard sweep list`: every sweep found on the hosts (its sweep.json directory, its runs'
 * manifests, its queued entries) with counts by state, and the one-line status the header can show.
 */
import type { HostLook } from './fleetLook.js';

export interface SweepSummary {
  name: string;
  project: string | null;
  stopped: boolean;
  running: number;
  queued: number;
  finished: number;
  failed: number;
  /** Stopped by the user, or ended with no status. */
  other: number;
  hosts: string[];
}

export function summariseSweeps(looks: readonly HostLook[]): SweepSummary[] {
  const by = new Map<string, SweepSummary>();
  const get = (name: string, host: string) => {
    let s = by.get(name);
    if (!s) {
      s = { name, project: null, stopped: false, running: 0, queued: 0, finished: 0, failed: 0, other: 0, hosts: [] };
      by.set(name, s);
    }
    if (!s.hosts.includes(host)) s.hosts.push(host);
    return s;
  };
  for (const l of looks) {
    for (const w of l.look?.sweeps ?? []) {
      const s = get(w.name, l.host);
      s.stopped ||= w.stopped;
    }
    for (const r of l.snapshot?.runs ?? []) {
      const name = r.manifest.sweep;
      if (typeof name !== 'string' || !name) continue;
      const s = get(name, l.host);
      s.project ??= r.project;
      // a run restarted by the watchdog continues in its child: count the lineage once, by its newest run
      if (l.snapshot?.runs.some((c) => c.manifest.parent === r.id)) continue;
      // an array task Slurm has not started yet waits like a queued run
      if (r.state === 'running' && r.slurm?.state === 'PENDING') s.queued++;
      else if (r.state === 'running') s.running++;
      else if (r.state === 'exited' && r.exitCode === 0) s.finished++;
      else if (r.state === 'exited') s.failed++;
      else s.other++;
    }
    for (const e of l.queue) {
      const name = e.manifest?.sweep;
      if (typeof name !== 'string' || !name) continue;
      const s = get(name, l.host);
      s.project ??= e.manifest?.project ?? null;
      if (e.state === 'queued' || e.state === 'moving') s.queued++;
      else s.running++; // a watchdog is starting it this moment
    }
  }
  return [...by.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** "lr-scan: 3 running, 3 queued, 0 done" — one line for the header and the list. */
export function sweepStatusLine(s: SweepSummary): string {
  const parts = [`${s.running} running`, `${s.queued} queued`, `${s.finished} done`];
  if (s.failed) parts.push(`${s.failed} failed`);
  if (s.other) parts.push(`${s.other} stopped/ended`);
  return `${s.name}${s.project ? ` (${s.project})` : ''}: ${parts.join(', ')}${s.stopped ? ' — stopped (draining)' : ''} on ${s.hosts.join(', ')}`;
}
