import Table from 'cli-table3';
import type { Config } from '../config/types.js';
import { Fleet } from '../hosts/fleet.js';
import { configRedactor, redactDeep } from '../secrets/redact.js';
import type { HostState } from '../state/store.js';
import { safeText } from '../text/sanitise.js';
import { watchdogStatusFor } from '../watchdog/status.js';
import { printJson, printText } from './print.js';
import { type SlurmStatusJson, slurmGpuText, slurmJobsText, slurmStatusFor } from './slurmStatus.js';

/** The JSON shape of `trainyard status --json` (stable: scripts read it). */
export function hostStatusJson(h: HostState) {
  return {
    alias: h.alias,
    state: h.connection.state,
    error: h.connection.error,
    hint: h.connection.hint,
    gpuError: h.gpuError,
    gpus: h.gpus.map((g) => ({
      index: g.index,
      name: g.name,
      uuid: g.uuid,
      utilization: g.utilization,
      memoryUsedMiB: g.memoryUsedMiB,
      memoryTotalMiB: g.memoryTotalMiB,
      temperatureC: g.temperatureC,
      powerW: g.powerW,
    })),
    processes: h.processes,
    sessionsError: h.sessionsError,
    sessions: h.sessions.map((s) => ({
      name: s.name,
      running: s.running,
      exitStatus: s.exitStatus,
      exitSignal: s.exitSignal,
      stopped: s.stopped === true,
      createdAt: s.createdAt,
      attached: s.attached,
    })),
  };
}

export function isHealthy(h: HostState): boolean {
  return h.connection.state === 'connected' || h.connection.state === 'local';
}

function sessionWord(s: HostState['sessions'][number]): string {
  if (s.running) return `${s.name} running`;
  if (s.stopped) return `${s.name} stopped`;
  if (s.exitSignal) return `${s.name} killed (signal ${s.exitSignal})`;
  return s.exitStatus === 0 ? `${s.name} finished` : `${s.name} CRASHED (exit ${s.exitStatus})`;
}

export function renderStatusTable(hosts: HostState[], slurm: (SlurmStatusJson | null)[] = []): string {
  const table = new Table({
    head: ['host', 'state', 'GPUs', 'sessions'],
    style: { head: [], border: [] },
    wordWrap: true,
  });
  hosts.forEach((h, i) => {
    const cluster = slurm[i];
    if (cluster) {
      table.push(
        [h.alias, `${h.connection.state} (Slurm)`, slurmGpuText(cluster), slurmJobsText(cluster)].map(safeText),
      );
      return;
    }
    const gpus = h.gpuError
      ? h.gpuError
      : h.gpus
          .map(
            (g) =>
              `${g.index}: ${g.utilization ?? '?'}% ${Math.round((g.memoryUsedMiB ?? 0) / 1024)}/${Math.round((g.memoryTotalMiB ?? 0) / 1024)} GiB ${g.temperatureC ?? '?'}°C ${Math.round(g.powerW ?? 0)} W`,
          )
          .join('\n');
    const sessions = h.sessionsError ?? (h.sessions.map(sessionWord).join('\n') || '—');
    // cells sanitised before the table measures them
    table.push(
      [h.alias, h.connection.state, isHealthy(h) ? gpus || '—' : '', isHealthy(h) ? sessions : ''].map(safeText),
    );
  });
  return table.toString();
}

/** `trainyard status`: connect, wait for one answer from every host, print, exit. */
export async function runStatus(
  config: Config,
  opts: { json: boolean; timeoutSeconds: number },
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const fleet = new Fleet(config, { interactive: false });
  fleet.start();
  await fleet.settled(opts.timeoutSeconds * 1000);
  const state = fleet.store.getState();
  const hosts = state.hostOrder.map((a) => state.hosts[a]);
  // A Slurm login node's partitions and jobs, from one poll of its cluster.
  const slurm = await Promise.all(
    fleet.monitors.map((m) =>
      isHealthy(state.hosts[m.alias]) ? slurmStatusFor(config, m.alias, m.transport).catch(() => null) : null,
    ),
  );
  // The watchdog's summary and the events not yet seen, one exec per reachable host.
  const watchdogs = opts.json
    ? await Promise.all(
        fleet.monitors.map((m) => (isHealthy(state.hosts[m.alias]) ? watchdogStatusFor(m.transport, m.alias) : null)),
      )
    : [];
  await fleet.shutdown();
  if (opts.json)
    printJson(out, {
      hosts: hosts.map((h, i) => ({
        ...hostStatusJson(h),
        slurm: slurm[i] ?? null,
        watchdog: redactDeep(watchdogs[i] ?? null, configRedactor(config)),
      })),
    });
  else {
    printText(out, renderStatusTable(hosts, slurm));
    for (const h of hosts) {
      if (h.connection.error) printText(out, `${h.alias}: ${h.connection.error}`);
      if (h.connection.hint) printText(out, `${h.alias}: ${h.connection.hint}`);
    }
  }
  return hosts.every(isHealthy) ? 0 : 1;
}
