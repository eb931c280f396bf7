/**
 * What the Slurm sweep tests share: a Slurm lab with four GPUs and eight CPUs (without a limit
 * Slurm runs four tasks at once) and a sample project whose tasks log when they start and end,
 * the CLI run against it, the runs of a sweep as `trainyard runs --json` lists them, the exit
 * codes the tasks left on the host, and the most intervals open at one instant.
 */
import path from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import { sampleProject } from '../actions/helpers.js';
import { type SlurmLab, startSlurmLab } from './slurmLab.js';

const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');

/** The Slurm lab whose project sample runs the sweeps' tasks (each logs "start <t>" and "end <t>"). */
export function startSweepSlurmLab(prefix: string): Promise<SlurmLab> {
  return startSlurmLab({
    prefix,
    projects: (local) => ({
      sample: sampleProject(local, {
        // each task says when it starts and ends, in its own log
        train:
          'echo "start $(date +%s.%N)"; python3 train.py --output {run_dir} --steps {steps} --step-seconds 0.2 --crash-at {crash} --tag {tag} && echo "end $(date +%s.%N)"',
        params: { steps: '30', crash: '0' },
        autoRestart: { enabled: true, max: 1 },
      }),
    }),
    // four GPUs and eight CPUs: without the limit Slurm runs all four tasks at once
    cluster: { gpus: 4, cpus: 8 },
  });
}

/** The CLI with the lab's config, a sweep's runs as JSON, and the exit codes of runs that ended. */
export function sweepCommands(lab: () => SlurmLab) {
  const cli = (...args: string[]) =>
    execa('node', [BIN, ...args, '--config', lab().configFile], {
      reject: false,
      env: { XDG_DATA_HOME: path.join(lab().fixture.work, 'data-home') },
    });
  const runsJson = async (sweep: string) => {
    const r = await cli('runs', '--sweep', sweep, '--json');
    expect(r.exitCode, r.stderr).toBe(0);
    return JSON.parse(r.stdout).runs as { id: string; state: string; exitCode: number | null; params: object }[];
  };
  const exitsOf = (ids: string[]) =>
    lab().h.run(
      `cd ~/.trainyard/runs && for s in ${ids.join(' ')}; do [ -f $s.exit ] && echo "$s $(cat $s.exit)"; done`,
    );
  return { cli, runsJson, exitsOf };
}

/** The most intervals open at one instant (an end before a start at the same time). */
export function maxOverlap(intervals: readonly [number, number][]): number {
  const points = intervals.flatMap(([a, b]) => [
    [a, 1],
    [b, -1],
  ]);
  points.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let open = 0;
  let most = 0;
  for (const [, d] of points) most = Math.max(most, (open += d));
  return most;
}
