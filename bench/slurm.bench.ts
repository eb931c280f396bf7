/**
 * Benchmark (not a test) of trainyard on a Slurm login node (test/harness/slurmCluster.ts behind a real sshd):
 *   1. squeue/sinfo calls per minute the controller sees (sdiag) with many readers in one trainyard
 *      process — a status poller every second, 4 panes asking for the run list, liveness checks —
 *      then across processes — the cockpit open in a real terminal plus `trainyard status` and
 *      `trainyard runs` every 2 s, each a fresh process — vs `watch -n 2 squeue` (one squeue every 2 s);
 *   2. launch to job id: the Slurm backend's sbatch over the held connection vs a fresh `ssh login sbatch …`.
 * Run (as root): node --import tsx bench/slurm.bench.ts [SECONDS] (default 60). Prints a markdown table.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { transportExec } from '../src/backends/runBackend.js';
import { SlurmPollCache } from '../src/backends/slurm/pollCache.js';
import { createSlurmBackend } from '../src/backends/slurm/slurmBackend.js';
import { shJoin } from '../src/shell/quote.js';
import { connect, labConfig } from '../test/actions/helpers.js';
import { TmuxTerminal } from '../test/e2e/terminal.js';
import { startSlurmCluster } from '../test/harness/slurmCluster.js';
import { startTestHosts } from '../test/harness/testHosts.js';

const run = promisify(execFile);
const SECONDS = Number(process.argv[2] ?? 60);
const N = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const lab = await startTestHosts({ count: 1 });
const h = lab.hosts[0];
const cluster = await startSlurmCluster(h, { gpus: 2 });
const config = labConfig(lab, {});
const conn = await connect(config, h.alias);
const exec = transportExec(conn);
const rows: string[][] = [];
// squeue --me asks REQUEST_JOB_USER_INFO, a plain squeue REQUEST_JOB_INFO
const counts = async () => ({
  squeue: (await cluster.rpcCount('REQUEST_JOB_USER_INFO')) + (await cluster.rpcCount('REQUEST_JOB_INFO')),
  sinfo: await cluster.rpcCount('REQUEST_NODE_INFO'),
});
try {
  // 1a. trainyard: readers every second for SECONDS, one shared cache
  const cache = new SlurmPollCache();
  const backend = createSlurmBackend({ host: { alias: h.alias }, cache });
  await cluster.resetStats();
  let before = await counts();
  const end = Date.now() + SECONDS * 1000;
  let reads = 0;
  while (Date.now() < end) {
    await Promise.all([
      cache.view(h.alias, exec),
      ...Array.from({ length: 4 }, () => backend.inspect(exec, h.alias, '~')),
      backend.liveState(exec, h.alias, 'none'),
    ]);
    reads += 6;
    await sleep(1000);
  }
  let after = await counts();
  const perMin = (n: number) => ((n * 60) / SECONDS).toFixed(1);
  rows.push([
    `trainyard, ${reads} reads in ${SECONDS} s (6 readers each second)`,
    perMin(after.squeue - before.squeue),
    perMin(after.sinfo - before.sinfo),
  ]);
  // 1b. across processes: the cockpit plus two CLI loops, each command a fresh process
  const configPath = path.join(lab.dir, 'bench-slurm.json');
  writeFileSync(configPath, JSON.stringify({ hosts: [h.alias], sshConfig: lab.sshConfigPath }));
  const bin = path.join(import.meta.dirname, '..', 'bin', 'trainyard.js');
  await cluster.resetStats();
  before = await counts();
  const end3 = Date.now() + SECONDS * 1000;
  const atEnd = new Promise<{ squeue: number; sinfo: number }>((resolve) =>
    setTimeout(() => resolve(counts()), SECONDS * 1000),
  );
  const term = new TmuxTerminal(200, 50);
  term.start(`node ${bin} --config ${configPath}`, { PATH: process.env.PATH ?? '', TERM: 'tmux-256color' });
  let commands = 0;
  const loop = async (command: string) => {
    while (Date.now() < end3) {
      await run('node', [bin, command, '--config', configPath]).catch(() => {});
      commands++;
      await sleep(2000);
    }
  };
  try {
    await Promise.all([loop('status'), loop('runs')]);
    after = await atEnd;
  } finally {
    term.stop();
  }
  rows.push([
    `trainyard across processes: the cockpit + \`status\` and \`runs\` every 2 s (${commands} commands in ${SECONDS} s)`,
    perMin(after.squeue - before.squeue),
    perMin(after.sinfo - before.sinfo),
  ]);
  // 1c. watch -n 2 squeue
  await cluster.resetStats();
  before = await counts();
  const end2 = Date.now() + SECONDS * 1000;
  while (Date.now() < end2) {
    await exec({ where: 'remote', host: h.alias, argv: ['squeue'], purpose: 'watch', readOnly: true });
    await sleep(2000);
  }
  after = await counts();
  rows.push([
    '`watch -n 2 squeue` (baseline)',
    perMin(after.squeue - before.squeue),
    perMin(after.sinfo - before.sinfo),
  ]);
  console.log('| squeue/sinfo calls per minute | squeue | sinfo |\n| --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);

  // 2. launch to job id
  const held: number[] = [];
  const fresh: number[] = [];
  const snap = await backend.inspect(exec, h.alias, '~');
  for (let i = 0; i < N; i++) {
    const id = `bench-${i}`;
    const t0 = performance.now();
    const r = await backend.launch(exec, {
      host: h.alias,
      id,
      project: 'bench',
      home: snap.home,
      remoteDir: snap.home,
      runDir: `${snap.home}/outputs/${id}`,
      params: {},
      log: `${snap.home}/.trainyard/runs/${id}.log`,
      command: 'true',
      env: {},
      activation: { kind: 'none' },
      gpus: null,
      secrets: null,
      gpuCount: 0,
      manifest: {
        session: id,
        project: 'bench',
        host: h.alias,
        remoteDir: snap.home,
        log: `${snap.home}/.trainyard/runs/${id}.log`,
        command: 'true',
        resume: null,
        checkpoints: null,
        gpus: null,
        startedAt: new Date().toISOString(),
        parent: null,
        resumedFrom: null,
        configHash: 'bench',
        git: { commit: null, dirty: false, diffHash: null },
        autoRestart: { enabled: false, max: 0, backoffSeconds: 0 },
        restartCount: 0,
      },
    });
    held.push(performance.now() - t0);
    if (r.kind !== 'started' || !r.jobId) throw new Error(`launch failed: ${JSON.stringify(r)}`);
    const t1 = performance.now();
    const f = await run('ssh', [
      '-F',
      lab.sshConfigPath,
      h.alias,
      shJoin(['sbatch', '--parsable', '-o', '/dev/null', '--wrap', 'true']),
    ]);
    fresh.push(performance.now() - t1);
    if (!/^\d+/.test(f.stdout)) throw new Error(`fresh sbatch: ${f.stdout}`);
  }
  console.log(`\n| launch to job id (median of ${N}) | ms |\n| --- | --- |`);
  console.log(
    `| trainyard launch over the held connection (writes manifest, scripts, submits job + guard) | ${median(held).toFixed(0)} |`,
  );
  console.log(`| fresh \`ssh login sbatch --parsable --wrap true\` (baseline) | ${median(fresh).toFixed(0)} |`);
} finally {
  conn.close();
  await cluster.stop();
  await lab.stop();
}
process.exit(0);
