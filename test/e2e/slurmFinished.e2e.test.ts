/**
 * A job that leaves the queue, in the cockpit on a real cluster with accounting (slurmdbd and
 * MariaDB, when installed): while Slurm keeps it (MinJobAge) the jobs pane shows its end state from
 * squeue; once it is gone, the row comes from sacct, asked then, with the exit code and MaxRSS.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RemoteHost, remoteHost } from '../actions/helpers.js';
import { canRunAccounting, canRunSlurm, type SlurmCluster, startSlurmCluster } from '../harness/slurmCluster.js';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';
import { TmuxTerminal } from './terminal.js';

const can = canRunTestHosts().ok && canRunSlurm().ok && canRunAccounting();
const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');

describe.skipIf(!can)('the cockpit shows how a job that left the queue ended (sacct)', () => {
  let lab: TestHosts;
  let cluster: SlurmCluster;
  let h: RemoteHost;
  let config: string;
  let term: TmuxTerminal | null = null;

  beforeAll(async () => {
    lab = await startTestHosts({ count: 1 });
    cluster = await startSlurmCluster(lab.hosts[0], { gpus: 2, accounting: true, minJobAge: 10 });
    h = remoteHost(lab, lab.hosts[0]);
    config = path.join(lab.dir, 'slurm-finished.json');
    writeFileSync(
      config,
      JSON.stringify({ hosts: [{ alias: h.alias, scheduler: 'slurm', pollSeconds: 5 }], sshConfig: lab.sshConfigPath }),
    );
  }, 120_000);
  afterAll(async () => {
    term?.stop();
    h?.close();
    await cluster?.stop();
    await lab?.stop();
  });

  it('a failed job: FAILED in the queue, then FAILED exit 3 with its MaxRSS from sacct once gone', async () => {
    term = new TmuxTerminal(200, 50);
    term.start(`node ${BIN} --config ${config}`, { PATH: process.env.PATH!, TERM: 'tmux-256color' });
    const t = term;
    await t.waitFor((s) => /Slurm jobs/.test(s) && /no jobs/.test(s), 30_000, 'the cluster, no jobs yet');
    const sub = await h.run(
      `sbatch --parsable -J failer -o /dev/null --wrap 'python3 -c "x = bytearray(60 * 2**20); import time; time.sleep(4)"; exit 3'`,
    );
    expect(sub.code, sub.stderr).toBe(0);
    // still in the queue: its end state from squeue, no exit code (squeue has none)
    const queued = await t.waitFor((s) => /failer\s+FAILED/.test(s), 30_000, 'failer failed, in the queue');
    expect(queued).not.toMatch(/failer\s+FAILED\s+exit/);
    // Slurm purges ended jobs older than MinJobAge (10 s, so a 5 s poll sees it ended first) periodically
    const text = await t.waitFor((s) => /failer\s+FAILED\s+exit 3 rss \d/.test(s), 150_000, 'failer from sacct');
    expect(text).toMatch(/failer\s+FAILED\s+exit 3 rss (5\d|6\d|7\d)M/);
    expect((await h.run("squeue -h -t all -n failer -o '%i'")).stdout.trim()).toBe('');
    t.send('q');
    await t.waitFor((s) => /\[exit 0\]/.test(s), 10_000, 'exit 0');
  }, 200_000);
});
