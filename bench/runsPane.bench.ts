/**
 * The cockpit's CPU with 30 live runs in the Runs pane, against its idle figure in the same run:
 * 3 real sshd hosts x 2 GPUs at a 1 s refresh; first no runs and the Hosts pane (idle), then 30
 * runs (10 per host, each a real tmux session printing a progress and loss line every second)
 * with the Runs pane open. Target: within 0.5 % of one core of idle.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { TmuxTerminal } from '../test/e2e/terminal.js';
import { startTestHosts, type TestHost } from '../test/harness/testHosts.js';
import { cpuTicks, HZ } from './procStats.js';

const BIN = path.join(import.meta.dirname, '..', 'bin', 'trainyard.js');
const seconds = Number(process.env.BENCH_SECONDS ?? 60);
const RUNS_PER_HOST = 10;

async function measure(pid: number): Promise<number> {
  const c0 = cpuTicks(pid);
  const w0 = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return ((cpuTicks(pid) - c0) / HZ / ((Date.now() - w0) / 1000)) * 100;
}

/** Ten runs on a host as trainyard leaves them: manifest, log, a tmux session printing progress. */
async function startRuns(h: TestHost): Promise<void> {
  const lines: string[] = ['mkdir -p ~/.trainyard/runs'];
  for (let i = 0; i < RUNS_PER_HOST; i++) {
    const id = `${h.alias}-run${i}`;
    const manifest = JSON.stringify({
      session: id,
      project: 'bench',
      host: h.alias,
      remoteDir: '/home/tytest',
      log: `/home/tytest/.trainyard/runs/${id}.log`,
      command: 'train',
      gpus: String(i % 2),
      startedAt: new Date().toISOString(),
      configHash: id,
      sweep: `sweep${i % 3}`,
    });
    const loop = `for s in $(seq 1 100000); do echo "epoch $((s / 50 + 1))/100 step $s/100000 loss 0.$((99999 - s))" >> ~/.trainyard/runs/${id}.log; sleep 1; done`;
    lines.push(
      `printf '%s\\n' '${manifest}' > ~/.trainyard/runs/${id}.json`,
      `printf '%s\\n' '${loop}' > ~/.trainyard/runs/${id}.sh`,
      `tmux new-session -d -s ${id} bash ~/.trainyard/runs/${id}.sh`,
    );
  }
  const r = await h.run(lines.join(' && '));
  if (r.code !== 0) throw new Error(r.stderr);
}

const hosts = await startTestHosts({ count: 3, gpu: { mode: 'load', count: 2 } });
try {
  const config = path.join(hosts.dir, 'bench.json');
  writeFileSync(
    config,
    JSON.stringify({ hosts: hosts.hosts.map((h) => h.alias), sshConfig: hosts.sshConfigPath, refreshSeconds: 1 }),
  );
  const term = new TmuxTerminal(200, 50);
  term.start(`exec node ${BIN} --config ${config}`, { PATH: process.env.PATH! });
  await term.waitFor((x) => /3 hosts · 3 connected/.test(x), 30_000, 'connected');
  const pid = Number(term.tmux('list-panes', '-t', 'e2e', '-F', '#{pane_pid}').trim());
  await new Promise((r) => setTimeout(r, 3000));
  const idle = await measure(pid);

  for (const h of hosts.hosts) await startRuns(h);
  term.send('4');
  await term.waitFor((x) => /30 running/.test(x) && /Runs · every host/.test(x), 60_000, '30 runs in the Runs pane');
  await new Promise((r) => setTimeout(r, 3000));
  const runs = await measure(pid);
  const screen = term.text();
  term.send('q');
  await new Promise((r) => setTimeout(r, 500));
  term.stop();

  console.log('| what (3 hosts x 2 GPUs, 1 s refresh, 200x50, same cockpit process) | client CPU |');
  console.log('| --- | --- |');
  console.log(`| idle: no runs, Hosts pane, over ${seconds} s | ${idle.toFixed(2)} % of one core |`);
  console.log(
    `| 30 live runs (a log line each per second), Runs pane open, over ${seconds} s | ${runs.toFixed(2)} % of one core |`,
  );
  console.log(`| difference (target ≤ 0.5) | ${(runs - idle).toFixed(2)} % of one core |`);
  if (!/step \d+\/100000/.test(screen)) console.log('\n(warning: the Runs pane showed no progress at the end)');
} finally {
  await hosts.stop();
}
process.exit(0);
