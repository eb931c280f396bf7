/**
 * The cockpit on a Slurm login node, in a real terminal: a real one-node cluster (two fake GPUs)
 * reached over real sshd, detected (the config does not say). The GPU pane shows the partition's
 * GPUs, the jobs pane my jobs: running ones, a pending one with its reason, never a restart guard
 * (its run reads "guarded"), and a hostile job name sanitised. At 200x50 and at 50x25. The session
 * keys act on the job under the cursor: x stops it with scancel.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RemoteHost, remoteHost } from '../actions/helpers.js';
import { canRunSlurm, type SlurmCluster, startSlurmCluster } from '../harness/slurmCluster.js';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';
import { waitFor } from '../support/waitFor.js';
import { TmuxTerminal } from './terminal.js';

const can = canRunTestHosts().ok && canRunSlurm().ok;
const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');

describe.skipIf(!can)('the cockpit on a Slurm login node (real terminal, real Slurm)', () => {
  let lab: TestHosts;
  let cluster: SlurmCluster;
  let h: RemoteHost;
  let config: string;
  let term: TmuxTerminal | null = null;

  beforeAll(async () => {
    lab = await startTestHosts({ count: 1 });
    cluster = await startSlurmCluster(lab.hosts[0], { gpus: 2 });
    h = remoteHost(lab, lab.hosts[0]);
    config = path.join(lab.dir, 'slurm-cockpit.json');
    writeFileSync(config, JSON.stringify({ hosts: [h.alias], sshConfig: lab.sshConfigPath }));
    const submit = async (line: string) => {
      const r = await h.run(line);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    const a = await submit("sbatch --parsable -J trainA --gres=gpu:1 -t 30 -o /dev/null --wrap 'sleep 600'");
    // the restart guard trainyard submits beside a run: pending on its run's Dependency
    await submit(
      `sbatch --parsable -J trainA-guard --dependency=afternotok:${a} --kill-on-invalid-dep=yes -t 10 -o /dev/null --wrap true`,
    );
    // a name with a terminal escape in it: the screen must show it harmlessly
    await submit(`sbatch --parsable -J "$(printf 'ev\\033[2Jil')" --gres=gpu:1 -t 30 -o /dev/null --wrap 'sleep 600'`);
    await submit("sbatch --parsable -J waits --gres=gpu:1 -t 5 -o /dev/null --wrap 'sleep 600'");
    await waitFor(() => h.run("squeue -h -n waits -o '%T %r'"), {
      until: (r) => r.stdout.trim() === 'PENDING Resources',
      timeoutMs: 30_000,
      intervalMs: 500,
      what: 'job "waits" pending on Resources',
      show: (r) => r.stdout,
    });
  });
  afterEach(() => {
    term?.stop();
    term = null;
  });
  afterAll(async () => {
    h?.close();
    await cluster?.stop();
    await lab?.stop();
  });

  function open(columns: number, rows: number): TmuxTerminal {
    term = new TmuxTerminal(columns, rows);
    term.start(`node ${BIN} --config ${config}`, { PATH: process.env.PATH!, TERM: 'tmux-256color' });
    return term;
  }

  function expectFits(t: TmuxTerminal, firstLine: RegExp) {
    const screen = t.screen();
    expect(screen.length).toBeLessThanOrEqual(t.rows);
    expect(screen[0]).toMatch(firstLine);
    for (const line of screen) expect(line.length).toBeLessThanOrEqual(t.columns);
  }

  it('at 200x50: the partition GPUs, running jobs, the pending reason, no guard job', async () => {
    const t = open(200, 50);
    const text = await t.waitFor(
      (s) => /Slurm jobs/.test(s) && /waits\s+PENDING\s+Resources/.test(s) && /gpu\*\s+2\s+2\s+0/.test(s),
      40_000,
      'cluster panes',
    );
    expect(text).toMatch(/trainA\s+RUNNING\s+guarded/);
    expect(text).toMatch(/evil\s+RUNNING/);
    expect(text).not.toMatch(/trainA-guard/);
    // the node, its state and its GPUs in use
    expect(text).toMatch(new RegExp(`${cluster.nodeName}\\s+gpu\\s+(mixed|allocated)\\s+2/2`));
    // elapsed / limit of a running job
    expect(text).toMatch(/trainA\s+RUNNING\s+guarded\s+1\s+\d+:\d\d\/30:00/);
    expectFits(t, /trainyard/);
    t.send('q');
    await t.waitFor((s) => /\[exit 0\]/.test(s), 10_000, 'exit 0');
  }, 60_000);

  it('at 50x25: the GPUs tab shows the partition, the Sessions tab my jobs with the reason', async () => {
    const t = open(50, 25);
    await t.waitFor((s) => /\[Hosts\]/.test(s) && /connected/.test(s), 20_000, 'hosts tab');
    t.send('2');
    await t.waitFor((s) => /\[GPUs\]/.test(s) && /gpu\*\s+2\s+2\s+0/.test(s), 40_000, 'GPUs tab: partition');
    expectFits(t, /\[GPUs\]/);
    t.send('3');
    const jobs = await t.waitFor(
      (s) => /waits\s+PENDING\s+Resources/.test(s) && /trainA\s+RUNNING/.test(s),
      10_000,
      'Sessions tab: my jobs',
    );
    expect(jobs).not.toMatch(/trainA-guard/);
    expectFits(t, /\[Sessions\]/);
    t.send('q');
    await t.waitFor((s) => /\[exit 0\]/.test(s), 10_000, 'exit 0');
  }, 60_000);

  it('the session keys act on the job under the cursor: x asks, then Slurm cancels it', async () => {
    const t = open(200, 50);
    await t.waitFor((s) => /waits\s+PENDING/.test(s), 40_000, 'jobs listed');
    t.send('3');
    t.send('j');
    t.send('j');
    t.send('x');
    await t.waitFor(
      (s) => /Stop the run\? \[y\/N\]/.test(s) && /Stop waits on gpu-1\? Slurm cancels/.test(s),
      10_000,
      'stop asks',
    );
    t.send('y');
    await waitFor(() => h.run("squeue -h -t all -n waits -o '%T'"), {
      until: (r) => r.stdout.trim() === 'CANCELLED',
      timeoutMs: 20_000,
      intervalMs: 500,
      what: 'waits cancelled',
      show: (r) => r.stdout,
    });
    await t.waitFor((s) => /waits\s+CANCELLED/.test(s), 20_000, 'waits shows CANCELLED');
    t.send('q');
    await t.waitFor((s) => /\[exit 0\]/.test(s), 10_000, 'exit 0');
  }, 90_000);
});
