/**
 * Which run backend a host gets: the config says ("scheduler": "slurm" or "none"), else it is
 * detected once per host and process (sbatch on PATH and `scontrol ping` answering: a Slurm login
 * node), else tmux. A detection that could not run (no connection) is not remembered.
 */
import { LOCAL_HOST } from '../config/load.js';
import type { Config, HostConfig } from '../config/types.js';
import type { Transport } from '../transport/types.js';
import { type RunBackend, transportExec } from './runBackend.js';
import { detectCommand, schedulerOf } from './slurm/detect.js';
import { createSlurmBackend } from './slurm/slurmBackend.js';
import { tmuxBackend } from './tmux/tmuxBackend.js';

const slurmBackends = new Map<string, RunBackend>();
const detected = new Map<string, 'slurm' | 'none'>();

export function hostConfig(config: Config, host: string): HostConfig {
  return config.hosts.find((h) => h.alias === host) ?? { alias: host };
}

function slurmFor(h: HostConfig): RunBackend {
  const key = JSON.stringify(h);
  let b = slurmBackends.get(key);
  if (!b) slurmBackends.set(key, (b = createSlurmBackend({ host: h })));
  return b;
}

/** The backend the config decides, or null when it leaves the question to detection. */
export function configuredBackend(config: Config, host: string): RunBackend | null {
  const h = hostConfig(config, host);
  if (h.scheduler === 'slurm') return slurmFor(h);
  if (h.scheduler === 'none' || host === LOCAL_HOST) return tmuxBackend;
  return null;
}

/** What a detection elsewhere found (the cockpit's sessions stream asks once per host): no exec needed. */
export function rememberScheduler(host: string, answer: 'slurm' | 'none'): void {
  detected.set(host, answer);
}

/** Detects whether a host is a Slurm login node (one read-only exec, remembered for the process). */
export async function detectScheduler(transport: Transport, host: string): Promise<'slurm' | 'none' | null> {
  const known = detected.get(host);
  if (known) return known;
  try {
    const r = await transportExec(transport)(detectCommand(host), { timeoutMs: 15_000 });
    if (r.code !== 0) return null;
    const answer = schedulerOf(r.stdout);
    detected.set(host, answer);
    return answer;
  } catch {
    return null;
  }
}

/** The backend for a host: the config's, else detected, else tmux. */
export async function backendForHost(config: Config, host: string, transport: Transport): Promise<RunBackend> {
  const configured = configuredBackend(config, host);
  if (configured) return configured;
  return (await detectScheduler(transport, host)) === 'slurm' ? slurmFor(hostConfig(config, host)) : tmuxBackend;
}
