/** doctor on a Slurm login node: each client command present, and whether the cluster answers it. */
import { transportExec } from '../backends/runBackend.js';
import { backendForHost } from '../backends/select.js';
import { slurmDoctorCommand } from '../backends/slurm/slurmCommands.js';
import { parseSections } from '../commands/sectioned.js';
import type { Config } from '../config/types.js';
import type { Transport } from '../transport/types.js';
import type { Check } from './check.js';

const NEEDED: Record<string, string> = {
  sbatch: 'launch and restart submit jobs with it',
  squeue: 'the job list and every run state come from it',
  sinfo: 'GPUs per partition come from it',
  sacct: 'how a job ended once squeue forgot it',
  scancel: 'stop cancels jobs with it',
  srun: 'smoke tests and attach use it',
};

/** The checks from slurmDoctorCommand's output (pure: tested on its sections). */
export function slurmChecks(host: string, stdout: string): Check[] {
  const out = parseSections(stdout);
  return Object.entries(NEEDED).map(([name, why]): Check => {
    if (out.value(name) === 'missing')
      return {
        host,
        name,
        ok: false,
        warn: name === 'sacct' || name === 'srun',
        detail: `not on PATH (${why})`,
        fix: 'load Slurm in your login environment (e.g. module load slurm in ~/.bashrc) or ask the cluster admins',
      };
    const s = out.first(name);
    const text = s?.lines.filter((l) => l.trim()).join(' / ') ?? '';
    if (s?.exit !== 0)
      return {
        host,
        name,
        ok: false,
        // a cluster without accounting refuses sacct: finished jobs are then known only while squeue shows them
        warn: name === 'sacct',
        detail: `refused: ${text || `exit ${s?.exit ?? '?'}`}`,
        fix:
          name === 'sacct'
            ? 'without accounting trainyard reads how jobs ended from squeue while Slurm keeps them (MinJobAge)'
            : 'check that the controller answers: scontrol ping',
      };
    return { host, name, ok: true, detail: text.split(' / ')[0] || 'answers' };
  });
}

/** Slurm checks when the host is a Slurm login node (config or detection); [] otherwise. */
export async function slurmHostChecks(config: Config, alias: string, transport: Transport): Promise<Check[]> {
  const backend = await backendForHost(config, alias, transport);
  if (backend.kind !== 'slurm') return [];
  const r = await transportExec(transport)(slurmDoctorCommand(alias), { timeoutMs: 30_000 });
  return [
    { host: alias, name: 'scheduler', ok: true, detail: 'a Slurm login node: runs are sbatch jobs' },
    ...slurmChecks(alias, r.stdout),
  ];
}
