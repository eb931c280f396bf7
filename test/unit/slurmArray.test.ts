/**
 * A sweep's job array, without a cluster: the --array value, the task file, and the array's
 * batch script run by real bash with SLURM_ARRAY_TASK_ID set as Slurm sets it — each task starts
 * the run its line names, and a line that is not a run name starts nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { arraySpec, slurmArrayLaunchCommand, tasksFileText } from '../../src/backends/slurm/arrayCommands.js';
import { sbatchScript } from '../../src/backends/slurm/slurmCommands.js';
import { tempDir } from '../support/tempDir.js';

describe('--array', () => {
  it('ranges and single indices, with the limit on how many run at once', () => {
    expect(arraySpec([0, 1, 2, 3], 2)).toBe('0-3%2');
    expect(arraySpec([3, 1], 2)).toBe('1,3%2');
    expect(arraySpec([0, 1, 2, 5, 7, 8], null)).toBe('0-2,5,7-8');
    expect(arraySpec([4], null)).toBe('4');
    expect(() => arraySpec([], 2)).toThrow(/task indices/);
    expect(() => arraySpec([-1], 2)).toThrow(/task indices/);
  });

  it('the task file names the run of task i on line i+1, empty where no task was submitted', () => {
    expect(
      tasksFileText([
        { index: 1, id: 'grid-5' },
        { index: 3, id: 'grid-6' },
      ]),
    ).toBe('\ngrid-5\n\ngrid-6\n');
  });
});

describe("the array's batch script, run by bash", () => {
  let current = '';
  const dir = () => current;
  beforeEach(() => {
    current = tempDir('ty-array-');
  });

  const script = () =>
    sbatchScript({
      jobName: 'grid',
      output: '/dev/null',
      gpus: 1,
      array: '0-2%2',
      runScript: { tasksFile: path.join(dir(), 'grid.tasks'), runsDir: dir() },
    });

  const runTask = (task: number) =>
    execFileSync('bash', ['-c', script(), 'sbatch-test'], {
      cwd: dir(),
      env: { ...process.env, SLURM_ARRAY_TASK_ID: String(task) },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  it('task i runs the script of the run on line i+1', () => {
    writeFileSync(path.join(dir(), 'grid.tasks'), 'grid-1\ngrid-2\n');
    for (const id of ['grid-1', 'grid-2'])
      writeFileSync(path.join(dir(), `${id}.sh`), `echo ran > ${JSON.stringify(path.join(dir(), `${id}.out`))}\n`);
    runTask(1);
    expect(readFileSync(path.join(dir(), 'grid-2.out'), 'utf8')).toBe('ran\n');
    expect(existsSync(path.join(dir(), 'grid-1.out'))).toBe(false);
  });

  it('a line that is not a run name, or no line, starts nothing', () => {
    mkdirSync(path.join(dir(), 'sub'), { recursive: true });
    writeFileSync(path.join(dir(), 'grid.tasks'), '$(touch canary)\n../sub/x\n');
    writeFileSync(path.join(dir(), 'sub', 'x.sh'), 'touch ran\n');
    for (const task of [0, 1, 5]) {
      expect(() => runTask(task)).toThrow(/has no run in/);
    }
    expect(existsSync(path.join(dir(), 'canary'))).toBe(false);
    expect(existsSync(path.join(dir(), 'ran'))).toBe(false);
    const text = script();
    expect(text).toContain('#SBATCH --array=0-2%2');
    expect(text).not.toContain('canary');
  });
});

describe('the array launch command', () => {
  it('carries runs, parameters and scripts on stdin only: the script text holds no value', () => {
    const c = slurmArrayLaunchCommand('cluster', {
      home: '/home/u',
      name: 'grid-1',
      arraySbatchText: '#!/bin/bash\n',
      tasksText: 'grid-1\n',
      tasks: [
        {
          index: 0,
          id: 'grid-1',
          manifestJson: '{"params":{"tag":"$(touch canary)"}}',
          scriptText: "ty_p_tag='$(touch canary)'\n",
          sbatchText: '#!/bin/bash\n',
        },
      ],
      guardText: 'guard',
      guardSubmitText: 'submit',
      secrets: null,
    });
    expect(c.argv.slice(0, 2)).toEqual(['bash', '-c']);
    expect(c.argv[2]).not.toContain('canary');
    expect(c.argv[2]).not.toContain('grid-1');
    expect(c.argv.slice(3)).toEqual(['trainyard-slurm-array', '/home/u/.trainyard/runs', 'grid-1', '']);
    const lines = (c.stdin ?? '').trimEnd().split('\n');
    expect(lines.slice(5, 8)).toEqual(['1', '0', 'grid-1']);
    expect(Buffer.from(lines[8], 'base64').toString()).toContain('$(touch canary)');
  });
});
