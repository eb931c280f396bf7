/**
 * `trainyard sweep stop NAME [--kill]`: drains a sweep on every host. The `stopped` marker goes
 * first (so no watchdog starts another of its queued runs), then its queued entries are dropped;
 * running runs finish, or with --kill are stopped like `trainyard stop` (Ctrl-C, then kill).
 * On a Slurm cluster the same: its pending array tasks are cancelled, with --kill its running ones
 * too (src/sweeps/slurmSweep.ts). Asks once; does exactly what it listed.
 */

import type { HostLook } from './fleetLook.js';
import { parseRemoved, removeQueueEntriesCommand } from './queueCommands.js';
import { askOnce, hostExec, runAction, type SweepSession } from './session.js';
import { cancelSlurmSweep, slurmHostsAmong, slurmSweepPresence } from './slurmSweep.js';
import { lookAtHosts } from './startSweep.js';
import { stopSweepCommand } from './sweepFiles.js';

export interface StopOutcome {
  ok: boolean;
  summary: string;
  dropped: string[];
  killed: string[];
  stillRunning: string[];
  unreachable: string[];
  declined?: boolean;
}

/** A look at every configured host for one sweep: its queued entries and its live runs. */
export function sweepPresence(looks: readonly HostLook[], name: string) {
  return looks.map((l) => ({
    host: l.host,
    error: l.error,
    queued: l.queue.filter((e) => e.state === 'queued' && e.manifest?.sweep === name).map((e) => e.entry),
    running: (l.snapshot?.runs ?? [])
      .filter((r) => r.state === 'running' && r.manifest.sweep === name)
      .map((r) => ({ id: r.id, project: r.project })),
  }));
}

export async function stopSweep(s: SweepSession, name: string, opts: { kill: boolean }): Promise<StopOutcome> {
  const hosts = s.config.hosts.map((h) => h.alias);
  s.output(`› looking at ${hosts.join(', ')}`, 'step');
  // on a Slurm cluster the sweep is a job array: its pending tasks are cancelled (scancel)
  const clusters = await slurmHostsAmong(s, hosts);
  const looks = await lookAtHosts(
    s,
    hosts.filter((h) => !clusters.includes(h)),
    s.config.sweeps[name]?.project ?? null,
  );
  const arrays = await Promise.all(clusters.map((h) => slurmSweepPresence(s, h, name)));
  const presence = sweepPresence(looks, name);
  const out: StopOutcome = { ok: true, summary: '', dropped: [], killed: [], stillRunning: [], unreachable: [] };
  out.unreachable = [...presence, ...arrays].filter((p) => p.error).map((p) => p.host);
  const queued = presence.flatMap((p) => p.queued.map((e) => `${e} on ${p.host}`));
  const running = presence.flatMap((p) => p.running.map((r) => `${r.id} on ${p.host}`));
  const pendingTasks = arrays.flatMap((a) => a.pending.map((id) => `${id} on ${a.host}`));
  const runningTasks = arrays.flatMap((a) => a.running.map((id) => `${id} on ${a.host}`));
  queued.push(...pendingTasks);
  const details = [
    ...queued.map((q) => (pendingTasks.includes(q) ? `cancel pending array task ${q} (scancel)` : `drop queued ${q}`)),
    ...running.map((r) => (opts.kill ? `stop running ${r} (Ctrl-C, then kill)` : `let ${r} finish`)),
    ...runningTasks.map((r) => (opts.kill ? `cancel running array task ${r} (scancel)` : `let ${r} finish`)),
    ...out.unreachable.map((h) => `${h} cannot be reached: its queue is not drained — run this again when it is back`),
  ];
  for (const d of details) s.output(`  ${d}`, 'out');
  const live = running.length + runningTasks.length;
  const question = opts.kill
    ? `Stop sweep ${name}: drop ${queued.length} queued run(s) and STOP ${live} running run(s)?`
    : `Drain sweep ${name}: drop ${queued.length} queued run(s); ${live} running run(s) finish?`;
  if (!(await askOnce(s, question, details, opts.kill && live > 0)))
    return { ...out, ok: false, declined: true, summary: `sweep ${name} not stopped` };

  for (const a of arrays) {
    if (a.error) continue;
    const exec = await hostExec(s, a.host);
    await exec(stopSweepCommand(a.host, name), { timeoutMs: 20_000 });
    const c = await cancelSlurmSweep(s, a, opts.kill);
    if (c.error) {
      out.ok = false;
      s.output(`${a.host}: could not cancel the tasks of ${name}: ${c.error}`, 'warn');
    }
    out.dropped.push(...c.dropped);
    out.killed.push(...c.killed);
    out.stillRunning.push(...c.left.map((id) => `${id} on ${a.host}`));
  }

  for (const p of presence) {
    if (p.error) continue;
    const exec = await hostExec(s, p.host);
    const marked = await exec(stopSweepCommand(p.host, name), { timeoutMs: 20_000 });
    if (marked.code !== 0) {
      out.ok = false;
      s.output(`${p.host}: could not mark ${name} stopped: ${marked.stderr.trim()}`, 'warn');
      continue;
    }
    if (p.queued.length) {
      const r = await exec(removeQueueEntriesCommand(p.host, p.queued), { timeoutMs: 30_000 });
      out.dropped.push(...(r.dry ? p.queued : parseRemoved(r.stdout).removed));
    }
    for (const run of p.running) {
      if (!opts.kill) {
        out.stillRunning.push(`${run.id} on ${p.host}`);
        continue;
      }
      const v = await runAction(s, 'stop', { host: p.host, project: run.project, session: run.id });
      if (v.outcome === 'ok') out.killed.push(run.id);
      else {
        out.ok = false;
        s.output(`${run.id} on ${p.host}: ${v.summary}`, 'warn');
      }
    }
  }
  if (out.unreachable.length) out.ok = false;
  out.summary = `sweep ${name} ${opts.kill ? 'stopped' : 'draining'}: ${out.dropped.length} queued run(s) dropped${opts.kill ? `, ${out.killed.length} stopped` : `, ${out.stillRunning.length} running to the end`}${out.unreachable.length ? `; not reached: ${out.unreachable.join(', ')}` : ''}`;
  return out;
}
