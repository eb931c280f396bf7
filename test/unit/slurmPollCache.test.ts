/** The per-cluster poll cache: one squeue+sinfo per interval whoever asks, a floor of 5 s, sacct once per job. */
import { describe, expect, it } from 'vitest';
import type { CommandExec, CommandResult } from '../../src/backends/runBackend.js';
import { SlurmPollCache } from '../../src/backends/slurm/pollCache.js';

const POLL = [
  '@@squeue',
  '7|RUNNING|None|1:00|10:00|1|gres:gpu:1|n1|gpu|train',
  '@@/squeue 0',
  '@@sinfo',
  'n1|gpu*|mixed|gpu:2|gpu:1|',
  '@@/sinfo 0',
].join('\n');

function fakeExec(answer: (name: string) => Partial<CommandResult>, delayMs = 0) {
  const calls: string[] = [];
  const exec: CommandExec = async (command) => {
    const name = command.argv[0] === 'bash' ? String(command.argv[3]) : command.argv[0];
    calls.push(name);
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    return { stdout: '', stderr: '', code: 0, ...answer(name) };
  };
  return { exec, calls };
}

describe('SlurmPollCache', () => {
  it('answers every reader within the interval from one poll, and polls again after it', async () => {
    let now = 0;
    const cache = new SlurmPollCache(() => now);
    cache.configure('c', 10);
    const { exec, calls } = fakeExec(() => ({ stdout: POLL }), 5);
    const views = await Promise.all(Array.from({ length: 8 }, () => cache.view('c', exec)));
    expect(calls).toEqual(['trainyard-slurm-poll']);
    expect(views.every((v) => v === views[0])).toBe(true);
    expect(views[0].jobs[0]).toMatchObject({ id: '7', state: 'RUNNING', gpus: 1 });
    expect(views[0].nodes[0]).toMatchObject({ host: 'n1', gpus: 2, gpusUsed: 1 });
    now = 9_999;
    await cache.view('c', exec);
    expect(calls).toHaveLength(1);
    now = 10_000;
    await cache.view('c', exec);
    expect(calls).toHaveLength(2);
  });

  it('never polls more often than every 5 s, whatever the config says', async () => {
    let now = 0;
    const cache = new SlurmPollCache(() => now);
    cache.configure('c', 1);
    expect(cache.intervalMs('c')).toBe(5000);
    const { exec, calls } = fakeExec(() => ({ stdout: POLL }));
    for (now = 0; now < 60_000; now += 1000) await cache.view('c', exec);
    expect(calls).toHaveLength(12);
  });

  it('keeps the last good half when squeue or sinfo fails, and says which', async () => {
    let now = 0;
    const cache = new SlurmPollCache(() => now);
    let fail = false;
    const { exec } = fakeExec(() => ({
      stdout: fail
        ? POLL.replace('@@/squeue 0', '@@/squeue 1').replace(/^7\|.*$/m, 'slurm_load_jobs error: Socket timed out')
        : POLL,
    }));
    await cache.view('c', exec);
    fail = true;
    now = 20_000;
    const v = await cache.view('c', exec);
    expect(v.error).toBe('squeue: slurm_load_jobs error: Socket timed out');
    expect(v.jobs.map((j) => j.id)).toEqual(['7']);
  });

  it('asks sacct once per job, remembering "no accounting" too, but asks again after a lost connection', async () => {
    const cache = new SlurmPollCache();
    let lost = true;
    const { exec, calls } = fakeExec((name) =>
      name === 'sacct'
        ? lost
          ? { code: null, stderr: 'connection lost' }
          : { stdout: '7|TIMEOUT|0:0|00:01:16||train\n7.batch|CANCELLED|0:15|00:01:16|2964K|batch\n' }
        : {},
    );
    expect(await cache.jobEnd('c', exec, '7')).toBeNull();
    lost = false;
    expect(await cache.jobEnd('c', exec, '7')).toMatchObject({ state: 'TIMEOUT', maxRssBytes: 2964 * 1024 });
    await cache.jobEnd('c', exec, '7');
    expect(calls).toEqual(['sacct', 'sacct']);
    const none = fakeExec(() => ({ code: 1, stderr: 'Slurm accounting storage is disabled' }));
    expect(await cache.jobEnd('c', none.exec, '8')).toBeNull();
    expect(await cache.jobEnd('c', none.exec, '8')).toBeNull();
    expect(none.calls).toEqual(['sacct']);
  });
});
