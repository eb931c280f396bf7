/**
 * The poll ceiling across processes, counted by the controller itself (sdiag): the cockpit open
 * in a real terminal plus two CLI loops (`trainyard status` every 2 s, `trainyard runs` every
 * 2 s), each a fresh process, for 60 s. Every one of them reads the login node's shared poll file,
 * so squeue and sinfo run at most once per interval (10 s): ≤ 60/10 + 1 calls each.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TmuxTerminal } from '../e2e/terminal.js';
import { canRunSlurm, type SlurmCluster, startSlurmCluster } from '../harness/slurmCluster.js';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';

const can = canRunTestHosts().ok && canRunSlurm().ok;
const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');
const WINDOW_S = 60;
const INTERVAL_S = 10;

describe.skipIf(!can)('the Slurm poll ceiling holds across processes', () => {
  let lab: TestHosts;
  let cluster: SlurmCluster;
  let config: string;
  let term: TmuxTerminal | null = null;

  beforeAll(async () => {
    lab = await startTestHosts({ count: 1 });
    cluster = await startSlurmCluster(lab.hosts[0], { gpus: 2 });
    config = path.join(lab.dir, 'slurm-ceiling.json');
    writeFileSync(config, JSON.stringify({ hosts: [lab.hosts[0].alias], sshConfig: lab.sshConfigPath }));
  });
  afterAll(async () => {
    term?.stop();
    await cluster?.stop();
    await lab?.stop();
  });

  // squeue --me asks REQUEST_JOB_USER_INFO, a plain squeue REQUEST_JOB_INFO; sinfo REQUEST_NODE_INFO
  const counts = async () => ({
    squeue: (await cluster.rpcCount('REQUEST_JOB_USER_INFO')) + (await cluster.rpcCount('REQUEST_JOB_INFO')),
    sinfo: await cluster.rpcCount('REQUEST_NODE_INFO'),
  });

  it(`the cockpit plus status and runs every 2 s for ${WINDOW_S} s: squeue ≤ ${WINDOW_S / INTERVAL_S + 1}`, async () => {
    await cluster.resetStats();
    const before = await counts();
    const end = Date.now() + WINDOW_S * 1000;
    // what the controller saw in exactly the window (commands still finishing after it do not count)
    const atEnd = new Promise<{ squeue: number; sinfo: number }>((resolve) =>
      setTimeout(() => resolve(counts()), WINDOW_S * 1000),
    );
    term = new TmuxTerminal(200, 50);
    term.start(`node ${BIN} --config ${config}`, { PATH: process.env.PATH!, TERM: 'tmux-256color' });
    const runs = { status: 0, runs: 0 };
    const loop = async (command: 'status' | 'runs') => {
      while (Date.now() < end) {
        const r = await execa('node', [BIN, command, '--config', config], { reject: false, timeout: 60_000 });
        expect(r.exitCode, `${command}: ${r.stderr}`).toBe(0);
        runs[command]++;
        await new Promise((done) => setTimeout(done, 2000));
      }
    };
    await Promise.all([loop('status'), loop('runs')]);
    // the cockpit shows the cluster it has been reading all along
    await term.waitFor((s) => /Slurm jobs/.test(s) && /gpu\*\s+2\s+0\s+2/.test(s), 10_000, 'cockpit on the cluster');
    const after = await atEnd;
    term.send('q');
    await term.waitFor((s) => /\[exit 0\]/.test(s), 10_000, 'cockpit exit 0');
    const squeue = after.squeue - before.squeue;
    const sinfo = after.sinfo - before.sinfo;
    expect(runs.status).toBeGreaterThanOrEqual(5);
    expect(runs.runs).toBeGreaterThanOrEqual(5);
    console.log(
      `${WINDOW_S} s: squeue ${squeue}, sinfo ${sinfo}; ${runs.status} status and ${runs.runs} runs commands`,
    );
    expect(squeue).toBeGreaterThan(0);
    expect(squeue).toBeLessThanOrEqual(WINDOW_S / INTERVAL_S + 1);
    expect(sinfo).toBeGreaterThan(0);
    expect(sinfo).toBeLessThanOrEqual(WINDOW_S / INTERVAL_S + 1);
  }, 150_000);
});
