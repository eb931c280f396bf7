/** Which GPUs a launch gets: all, the least-used ones, or the ones the user picked → CUDA_VISIBLE_DEVICES. */
import { gpuQueryCommand } from '../commands/projectCommands.js';
import { describeGpuFailure, type GpuSample, parseGpuLine } from '../parsers/nvidiaSmi.js';
import { type ActionIo, runCommand } from './execute.js';
import { gpuChoiceProblem } from './project.js';
import { ActionFailure } from './types.js';

/** Least used first: memory in use, then utilisation, then index. */
export function leastUsed(gpus: readonly GpuSample[], count: number): number[] {
  return [...gpus]
    .sort(
      (a, b) =>
        (a.memoryUsedMiB ?? Infinity) - (b.memoryUsedMiB ?? Infinity) ||
        (a.utilization ?? Infinity) - (b.utilization ?? Infinity) ||
        a.index - b.index,
    )
    .slice(0, count)
    .map((g) => g.index)
    .sort((a, b) => a - b);
}

export interface GpuDecision {
  /** CUDA_VISIBLE_DEVICES, or null for all. */
  visible: string | null;
  /** In words, for the output pane. */
  why: string;
}

/**
 * A GPU choice on a Slurm host, where Slurm picks the GPUs: only how many (--gres=gpu:N) —
 * least-used[:N] asks for N, a list for as many as it names. "all" (the default when a project
 * names none) is not a number Slurm can grant: one GPU, and the output says how to ask for more.
 */
export function slurmGpuRequest(choice: string): GpuDecision & { count: number } {
  const problem = gpuChoiceProblem(choice);
  if (problem) throw new ActionFailure(problem, 'pass --gpus least-used:N for N GPUs');
  if (choice === 'all')
    return { visible: null, count: 1, why: '1 GPU from Slurm (--gres=gpu:1; ask --gpus least-used:N for N)' };
  const count = /^\d+(,\d+)*$/.test(choice) ? choice.split(',').length : Number(choice.split(':')[1] ?? '1');
  return { visible: null, count, why: `${count} GPU${count === 1 ? '' : 's'} from Slurm (--gres=gpu:${count})` };
}

export async function chooseGpus(
  io: ActionIo,
  host: string,
  choice: string,
  samples: GpuSample[] | null,
): Promise<GpuDecision> {
  const problem = gpuChoiceProblem(choice);
  if (problem) throw new ActionFailure(problem, 'pass --gpus all, --gpus least-used[:N] or --gpus 0,1');
  if (choice === 'all') return { visible: null, why: 'all GPUs' };
  if (/^\d+(,\d+)*$/.test(choice)) return { visible: choice, why: `GPUs ${choice} (picked)` };
  const count = Number(choice.split(':')[1] ?? '1');
  let gpus = samples?.length ? samples : null;
  let source = "the cockpit's latest sample";
  if (!gpus) {
    const r = await runCommand(io, gpuQueryCommand(host), { timeoutMs: 15_000 });
    if (r.dry) return { visible: '<least-used>', why: 'least-used GPUs (read at launch)' };
    gpus = r.stdout
      .split('\n')
      .map(parseGpuLine)
      .filter((g): g is GpuSample => g !== null);
    if (r.code !== 0 || gpus.length === 0)
      throw new ActionFailure(
        `cannot pick the least-used GPUs on ${host}: ${describeGpuFailure(r.code, r.stdout + r.stderr)}`,
        'choose GPUs yourself (--gpus 0,1) or all (--gpus all)',
      );
    source = 'nvidia-smi';
  }
  if (count > gpus.length)
    throw new ActionFailure(
      `${host} has ${gpus.length} GPU(s); ${count} were asked for`,
      `use --gpus least-used:${gpus.length} or fewer`,
    );
  const picked = leastUsed(gpus, count);
  const desc = picked.map((i) => {
    const g = gpus!.find((x) => x.index === i)!;
    return `${i} (${g.utilization ?? '?'}% util, ${Math.round((g.memoryUsedMiB ?? 0) / 1024)} GiB used)`;
  });
  return { visible: picked.join(','), why: `least-used GPU${count > 1 ? 's' : ''} ${desc.join(', ')} from ${source}` };
}
