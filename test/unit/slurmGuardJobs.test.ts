/** Restart guard jobs are told apart by name: never a run, their run "guarded" only while they wait for it. */
import { describe, expect, it } from 'vitest';
import { guardedNames, guardJobName, isGuardJob } from '../../src/backends/slurm/restartGuard.js';
import { jobNameProblem } from '../../src/backends/slurm/slurmBackend.js';

describe('restart guard jobs', () => {
  it('are recognised by their name, and a run may not take such a name', () => {
    expect(isGuardJob({ name: guardJobName('train-r2') })).toBe(true);
    expect(isGuardJob({ name: 'train-r2' })).toBe(false);
    expect(jobNameProblem('mine-guard')).toMatch(/may not end in "-guard"/);
    expect(jobNameProblem('guarded-run')).toBeNull();
  });

  it('mark their run guarded only while pending (a started or cancelled guard guards nothing)', () => {
    const jobs = [
      { name: 'a', state: 'RUNNING' },
      { name: 'a-guard', state: 'PENDING' },
      { name: 'b', state: 'COMPLETED' },
      { name: 'b-guard', state: 'CANCELLED' },
      { name: 'c', state: 'TIMEOUT' },
      { name: 'c-guard', state: 'RUNNING' },
    ];
    expect([...guardedNames(jobs)]).toEqual(['a']);
  });
});
