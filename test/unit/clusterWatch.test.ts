/**
 * The cockpit's cluster watch: reads the poll cache, leaves restart guards out (their run reads
 * guarded), asks sacct once for a job that left the queue and keeps it among the finished, and
 * gives the session keys the same rows in the same order.
 */
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../src/backends/runBackend.js';
import { SlurmPollCache } from '../../src/backends/slurm/pollCache.js';
import { ClusterWatch } from '../../src/hosts/clusterWatch.js';
import { clusterJobRows } from '../../src/state/cluster.js';
import { createTrainyardStore } from '../../src/state/store.js';
import type { Transport } from '../../src/transport/types.js';

const poll = (jobs: string[]) =>
  [
    '@@squeue',
    ...jobs,
    '@@/squeue 0',
    '@@sinfo',
    'n1|gpu*|mixed|gpu:2|gpu:1|',
    'n2|gpu*|drained|gpu:2|gpu:0|',
    '@@/sinfo 0',
  ].join('\n');

const RUN = '7|RUNNING|None|1:00|10:00|1|gres:gpu:1|n1|gpu|train';
const GUARD = '8|PENDING|Dependency|0:00|10:00|1||(Dependency)|gpu|train-guard';
const WAITS = '9|PENDING|Priority|0:00|5:00|1|gres:gpu:1||gpu|waits';

describe('ClusterWatch', () => {
  it('shows my jobs without guards, then a job that left the queue with its sacct end, asked once', async () => {
    let now = 0;
    const cache = new SlurmPollCache(() => now);
    let jobs = [RUN, GUARD, WAITS];
    const calls: string[] = [];
    const transport = {
      exec: async (command: { argv: string[] }): Promise<CommandResult> => {
        const name = command.argv[0] === 'bash' ? command.argv[3] : command.argv[0];
        calls.push(name);
        if (name === 'sacct')
          return {
            stdout: '7|TIMEOUT|0:0|00:10:00||train\n7.batch|CANCELLED|0:15|00:10:00|2G|batch\n',
            stderr: '',
            code: 0,
          };
        return { stdout: poll(jobs), stderr: '', code: 0 };
      },
    } as unknown as Transport;
    const store = createTrainyardStore([{ alias: 'c' }]);
    let answered = () => {};
    const watch = new ClusterWatch(transport, store, 'c', () => answered(), cache);
    const next = () => new Promise<void>((resolve) => (answered = resolve));

    let seen = next();
    watch.start();
    await seen;
    let c = store.getState().hosts.c.cluster!;
    expect(c.jobs.map((j) => j.name)).toEqual(['train', 'waits']);
    expect(c.guarded).toEqual(['train']);
    expect(c.nodes.find((n) => n.host === 'n2')?.unavailable).toBe(true);
    expect(store.getState().hosts.c.sessions.map((s) => [s.name, s.running])).toEqual([
      ['train', true],
      ['waits', true],
    ]);

    // job 7 and its guard leave the queue (the guard cancelled, the job timed out)
    jobs = [WAITS];
    now += 10_000;
    seen = next();
    watch.start();
    await seen;
    c = store.getState().hosts.c.cluster!;
    expect(clusterJobRows(c).map((r) => [r.kind, r.job.name, r.job.state])).toEqual([
      ['queued', 'waits', 'PENDING'],
      ['finished', 'train', 'TIMEOUT'],
    ]);
    expect(c.finished[0]).toMatchObject({ id: '7', maxRssBytes: 2 * 1024 ** 3 });
    const train = store.getState().hosts.c.sessions[1];
    expect(train).toMatchObject({ name: 'train', running: false, exitStatus: 1 });

    now += 10_000;
    seen = next();
    watch.start();
    await seen;
    watch.stop();
    expect(calls.filter((n) => n === 'sacct')).toHaveLength(1);
    expect(calls.filter((n) => n === 'trainyard-slurm-poll')).toHaveLength(3);
    expect(clusterJobRows(store.getState().hosts.c.cluster!).map((r) => r.job.name)).toEqual(['waits', 'train']);
  });
});
