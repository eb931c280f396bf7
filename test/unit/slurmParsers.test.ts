/** The Slurm parsers on real output captured from the lab's Slurm 22.05 (test/fixtures/slurm/README.md). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  findJob,
  foldedTasks,
  gpuTotals,
  gresGpuCount,
  parseRss,
  parseSacct,
  parseSinfo,
  parseSlurmDuration,
  parseSqueue,
} from '../../src/parsers/slurm.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/slurm');
const fixture = (name: string) => readFileSync(path.join(dir, name), 'utf8');

describe('sinfo', () => {
  it('reads node, partition, state and GPUs in use from a mixed node', () => {
    expect(parseSinfo(fixture('sinfo-mixed.txt'))).toEqual([
      {
        host: 'gpu-node-1',
        partition: 'gpu',
        defaultPartition: true,
        state: 'mixed',
        unavailable: false,
        gpus: 2,
        gpusUsed: 2,
      },
    ]);
  });

  it('marks draining and drained nodes unavailable, their free GPUs not free', () => {
    const draining = parseSinfo(fixture('sinfo-draining.txt'));
    expect(draining[0]).toMatchObject({ state: 'draining', unavailable: true, gpus: 2, gpusUsed: 1 });
    expect(gpuTotals(draining).cluster).toEqual({ total: 2, used: 1, free: 0, unavailable: 1 });
    const drained = parseSinfo(fixture('sinfo-drained.txt'));
    expect(drained[0]).toMatchObject({ state: 'drained', unavailable: true });
    const idle = parseSinfo(fixture('sinfo-idle.txt'));
    expect(gpuTotals(idle).cluster).toEqual({ total: 2, used: 0, free: 2, unavailable: 0 });
  });

  it('counts a node in every partition it is in, once for the cluster; down* is unavailable', () => {
    const nodes = parseSinfo(
      [
        'n1|gpu*|mixed|gpu:a100:4(S:0-1)|gpu:a100:1(IDX:0)|',
        'n1|long|mixed|gpu:a100:4(S:0-1)|gpu:a100:1(IDX:0)|',
        'n2|gpu*|idle*|gpu:2,shard:8|gpu:0,shard:0|',
      ].join('\n'),
    );
    const t = gpuTotals(nodes);
    expect(t.cluster).toEqual({ total: 6, used: 1, free: 3, unavailable: 2 });
    expect(t.partitions.get('long')).toEqual({ total: 4, used: 1, free: 3, unavailable: 0 });
    expect(t.partitions.get('gpu')).toEqual({ total: 6, used: 1, free: 3, unavailable: 2 });
  });

  it('reads GPU counts from GRES lists', () => {
    expect(gresGpuCount('gpu:2')).toBe(2);
    expect(gresGpuCount('gres:gpu:1')).toBe(1);
    expect(gresGpuCount('gres/gpu:3')).toBe(3);
    expect(gresGpuCount('gpu:h100:2(IDX:0-1),gpu:a100:1(IDX:2)')).toBe(3);
    expect(gresGpuCount('N/A')).toBe(0);
    expect(gresGpuCount('(null)')).toBe(0);
  });
});

describe('squeue', () => {
  it('reads running jobs, the pending reason, a pending array and a name holding the separator', () => {
    const jobs = parseSqueue(fixture('squeue-pending.txt'));
    expect(jobs.map((j) => [j.id, j.state, j.reason])).toEqual([
      ['6', 'CANCELLED', 'Priority'],
      ['3', 'PENDING', 'Resources'],
      ['4', 'PENDING', 'Priority'],
      ['5_[0-3%2]', 'PENDING', 'Priority'],
      ['1', 'RUNNING', 'None'],
      ['2', 'RUNNING', 'None'],
    ]);
    const first = jobs.find((j) => j.id === '1')!;
    expect(first).toMatchObject({ name: 'train a|b', gpus: 1, limit: 300, nodes: 1, nodeList: 'gpu-node-1' });
    expect(first.elapsed).toBeGreaterThan(0);
    expect(jobs.find((j) => j.id === '3')).toMatchObject({ gpus: 1, limit: null, nodeList: '', partition: 'gpu' });
    expect(jobs.find((j) => j.id === '5_[0-3%2]')).toMatchObject({ jobId: '5', arrayTask: null });
  });

  it('reads ended jobs: TIMEOUT past its 1-minute limit, FAILED, array tasks', () => {
    const jobs = parseSqueue(fixture('squeue-ended.txt'));
    const timeout = jobs.find((j) => j.state === 'TIMEOUT')!;
    expect(timeout).toMatchObject({ id: '2', name: 'run-two', reason: 'TimeLimit', limit: 60 });
    expect(timeout.elapsed).toBeGreaterThanOrEqual(60);
    expect(jobs.find((j) => j.id === '4')).toMatchObject({ state: 'FAILED', reason: 'NonZeroExitCode' });
    const tasks = jobs.filter((j) => j.jobId === '5').map((j) => [j.arrayTask, j.state]);
    expect(tasks).toEqual(
      expect.arrayContaining([
        [0, 'COMPLETED'],
        [1, 'COMPLETED'],
        [2, 'RUNNING'],
        [3, 'RUNNING'],
      ]),
    );
  });

  it('reads job arrays: running tasks, folded pending tasks, a dependency on one task', () => {
    const jobs = parseSqueue(fixture('squeue-array-pending.txt'));
    expect(jobs.map((j) => [j.id, j.jobId, j.arrayTask, j.pendingTasks, j.state, j.reason])).toEqual([
      ['1_[2-3%2]', '1', null, [2, 3], 'PENDING', 'JobArrayTaskLimit'],
      ['4_[1,3%1]', '4', null, [1, 3], 'PENDING', 'JobHeldUser'],
      ['1_0', '1', 0, null, 'RUNNING', 'None'],
      ['1_1', '1', 1, null, 'RUNNING', 'None'],
    ]);
    const later = parseSqueue(fixture('squeue-array-cancelled.txt'));
    expect(later.find((j) => j.jobId === '4')?.pendingTasks).toEqual([3]);
    expect(later.find((j) => j.id === '5')).toMatchObject({ state: 'PENDING', reason: 'Dependency' });
  });

  it("finds an array task's record: its own, the folded pending one, else the array's bare record", () => {
    const pending = parseSqueue(fixture('squeue-array-pending.txt'));
    expect(findJob(pending, '1_1')?.id).toBe('1_1');
    expect(findJob(pending, '1_3')?.id).toBe('1_[2-3%2]');
    expect(findJob(pending, '4_1')?.id).toBe('4_[1,3%1]');
    expect(findJob(pending, '4_2')).toBeNull();
    expect(findJob(pending, '1_7')).toBeNull();
    const cancelled = parseSqueue(fixture('squeue-array-cancelled.txt'));
    // scancel of one pending task leaves no record of it
    expect(findJob(cancelled, '4_1')).toBeNull();
    const ended = parseSqueue(fixture('squeue-array-ended.txt'));
    expect(findJob(ended, '4_3')).toMatchObject({ id: '4', state: 'CANCELLED' });
    expect(findJob(ended, '1_2')).toMatchObject({ state: 'COMPLETED', arrayTask: 2 });
    // plain jobs as before
    expect(findJob(ended, '5')?.state).toBe('PENDING');
    expect(findJob(ended, '1')).toMatchObject({ jobId: '1' });
  });

  it('reads the indices of a folded record, and nothing else', () => {
    expect(foldedTasks('12_[0-3%2]')).toEqual([0, 1, 2, 3]);
    expect(foldedTasks('12_[1,3-4]')).toEqual([1, 3, 4]);
    expect(foldedTasks('12_[5%1]')).toEqual([5]);
    expect(foldedTasks('12_3')).toBeNull();
    expect(foldedTasks('12')).toBeNull();
    expect(foldedTasks('12_[0-99999999]')).toBeNull();
  });

  it('skips lines that are not jobs (an error, a header)', () => {
    expect(parseSqueue('slurm_load_jobs error: Unable to contact slurm controller\nJOBID|STATE\n')).toEqual([]);
  });
});

describe('sacct', () => {
  it('folds steps into their job: state, exit code or signal, elapsed, MaxRSS of the batch step', () => {
    const ends = parseSacct(fixture('sacct.txt'));
    const by = (id: string) => ends.find((e) => e.id === id)!;
    expect(by('1')).toEqual({
      id: '1',
      name: 'ok',
      state: 'COMPLETED',
      exitCode: 0,
      signal: null,
      elapsed: 4,
      maxRssBytes: 91368 * 1024,
    });
    expect(by('2')).toMatchObject({ state: 'TIMEOUT', elapsed: 81, maxRssBytes: 2964 * 1024 });
    expect(by('3')).toMatchObject({ name: 'fails|pipe', state: 'FAILED', exitCode: 3, signal: null });
    expect(by('4')).toMatchObject({ state: 'FAILED', exitCode: null, signal: 9 });
    expect(by('6')).toMatchObject({ state: 'CANCELLED', maxRssBytes: null });
    expect(by('5_1')).toMatchObject({ state: 'COMPLETED', maxRssBytes: 2732 * 1024 });
    expect(ends).toHaveLength(7);
  });

  it('reads MaxRSS units', () => {
    expect(parseRss('2.50G')).toBe(Math.round(2.5 * 1024 ** 3));
    expect(parseRss('0')).toBe(0);
    expect(parseRss('')).toBeNull();
  });
});

describe('durations', () => {
  it('reads every form Slurm prints', () => {
    expect(parseSlurmDuration('0:05')).toBe(5);
    expect(parseSlurmDuration('1:00')).toBe(60);
    expect(parseSlurmDuration('00:01:21')).toBe(81);
    expect(parseSlurmDuration('2-03:04:05')).toBe(2 * 86400 + 3 * 3600 + 4 * 60 + 5);
    expect(parseSlurmDuration('1-00:00:00')).toBe(86400);
    expect(parseSlurmDuration('UNLIMITED')).toBeNull();
    expect(parseSlurmDuration('INVALID')).toBeNull();
  });
});
