/**
 * Idle CPU of the cockpit watching N hosts x 8 GPUs at a 1 s refresh, beside the naive way
 * (a fresh `ssh host nvidia-smi …` per host per second), and start-up times — all against
 * real sshd hosts in network namespaces (test/harness), measured in the same run.
 * BENCH_BASELINE_BIN=/path/to/other/bin/trainyard.js measures that build too, on the same hosts.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gpuStreamCommand } from '../src/commands/probes.js';
import { commandLine } from '../src/commands/value.js';
import { HISTORY_LENGTH } from '../src/state/store.js';
import { TmuxTerminal } from '../test/e2e/terminal.js';
import { startTestHosts, type TestHosts } from '../test/harness/testHosts.js';
import { cpuTicks, HZ, rssMiB } from './procStats.js';

const BIN = path.join(import.meta.dirname, '..', 'bin', 'trainyard.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * How often start-up reads the terminal. Each read is a `tmux capture-pane` process, about 2.5 ms
 * of CPU: every 10 ms took a fifth of a core from the two the cockpit and 32 sshds share while
 * they connect. Start-up times are read to within this.
 */
const pollMs = () => Number(process.env.BENCH_POLL_MS ?? 50);

export interface CockpitFigures {
  /** Steady GPUs, from 3 s after connecting: V8 warming up, the sparklines filling, first looks. */
  steadyPct: number;
  /** Steady GPUs once the sparklines are full (HISTORY_LENGTH samples after connecting). */
  settledPct: number;
  busyPct: number;
  firstFrameMs: number;
  allConnectedMs: number;
  rssMiB: number;
}

export interface OpenCockpit {
  term: TmuxTerminal;
  /** The cockpit's process. */
  pid: number;
  firstFrameMs: number;
  allConnectedMs: number;
}

/**
 * The built CLI in a real terminal (tmux, 200x50 unless `size` says), watching every test host at a 1 s refresh. `bin`
 * runs as a program, as an installed trainyard does; with node flags, as `node FLAGS bin`.
 */
export async function openCockpit(
  bin: string,
  hosts: TestHosts,
  nodeFlags = '',
  size: [columns: number, rows: number] = [200, 50],
): Promise<OpenCockpit> {
  const count = hosts.hosts.length;
  const config = path.join(hosts.dir, 'bench.json');
  writeFileSync(
    config,
    JSON.stringify({ hosts: hosts.hosts.map((h) => h.alias), sshConfig: hosts.sshConfigPath, refreshSeconds: 1 }),
  );
  const term = new TmuxTerminal(...size);
  const t0 = Date.now();
  term.start(`exec ${nodeFlags.trim() ? `node ${nodeFlags} ` : ''}${bin} --config ${config}`, {
    PATH: process.env.PATH!,
  });
  let firstFrameMs = 0;
  let allConnectedMs = 0;
  const connected = new RegExp(`${count} hosts · ${count} connected`);
  while (!allConnectedMs && Date.now() - t0 < 60_000) {
    const text = term.text();
    if (!firstFrameMs && /trainyard/.test(text)) firstFrameMs = Date.now() - t0;
    if (connected.test(text)) allConnectedMs = Date.now() - t0;
    await sleep(pollMs());
  }
  const pid = Number(term.tmux('list-panes', '-t', 'e2e', '-F', '#{pane_pid}').trim());
  return { term, pid, firstFrameMs, allConnectedMs };
}

/** Every GPU of every host at a new utilisation (second by second a different one), so each sample is news. */
export function setChangingGpus(hosts: TestHosts, second: number): void {
  for (const h of hosts.hosts)
    h.setGpu({
      mode: 'load',
      count: 8,
      util: Array.from({ length: 8 }, (_, i) => 50 + ((second * 7 + i * 5 + h.n) % 50)),
    });
}

/** CPU of the cockpit's process from /proc/PID/stat, steady and with every GPU changing, and its RSS. */
async function measureCockpit(bin: string, hosts: TestHosts, seconds: number): Promise<CockpitFigures> {
  for (const h of hosts.hosts) h.setGpu({ mode: 'load', count: 8 });
  const { term, pid, firstFrameMs, allConnectedMs } = await openCockpit(bin, hosts);
  const connectedAt = Date.now();
  try {
    await sleep(3000); // settle: first samples, sparklines filling
    const measureCpu = async (during?: (second: number) => void) => {
      const c0 = cpuTicks(pid);
      const w0 = Date.now();
      for (let second = 0; second < seconds; second++) {
        during?.(second);
        await sleep(1000);
      }
      return ((cpuTicks(pid) - c0) / HZ / ((Date.now() - w0) / 1000)) * 100;
    };
    // steady: every GPU reports the same load figures each second (the fake replays one capture)
    const steadyPct = await measureCpu();
    // and again once the sparklines are full and still: what the cockpit costs left open
    await sleep(Math.max(0, connectedAt + (HISTORY_LENGTH + 2) * 1000 - Date.now()));
    const settledPct = await measureCpu();
    // busy: every GPU's utilisation changes every second, so every sample is news to draw
    const busyPct = await measureCpu((second) => setChangingGpus(hosts, second));
    const rss = rssMiB(pid);
    term.send('q');
    await sleep(500);
    return { steadyPct, settledPct, busyPct, firstFrameMs, allConnectedMs, rssMiB: rss };
  } finally {
    term.stop();
  }
}

/** CPU share of a bash loop starting, every second, one fresh `ssh host nvidia-smi …` per host. */
async function naiveLoopPct(hosts: TestHosts, seconds: number): Promise<number> {
  const script = [
    `end=$(( $(date +%s) + ${seconds} ))`,
    `while [ "$(date +%s)" -lt "$end" ]; do`,
    ...hosts.hosts.map(
      (h) =>
        `  ssh -F '${hosts.sshConfigPath}' ${h.alias} ${JSON.stringify(commandLine(gpuStreamCommand(1000)).replace(/ -lms \d+$/, ''))} >/dev/null &`,
    ),
    `  sleep 1; wait`,
    `done`,
  ].join('\n');
  const naive = spawn('bash', ['-c', `TIMEFORMAT='%U %S %R'; time ( ${script} )`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  naive.stderr.on('data', (d) => (err += d));
  await new Promise((r) => naive.on('close', r));
  const [u, s, real] = err.trim().split('\n').pop()!.split(' ').map(Number);
  return ((u + s) / real) * 100;
}

export async function fleetCpuBench(seconds: number, count = 8, naive = true): Promise<string[]> {
  const hosts = await startTestHosts({ count, gpu: { mode: 'load', count: 8 } });
  try {
    const baselineBin = process.env.BENCH_BASELINE_BIN;
    const ours = await measureCockpit(BIN, hosts, seconds);
    const base = baselineBin ? await measureCockpit(baselineBin, hosts, seconds) : null;
    const naivePct = naive ? await naiveLoopPct(hosts, seconds) : null;
    const other = (f: (c: CockpitFigures) => string) => (base ? ` ${f(base)} |` : '');
    const pct = (x: number) => `${x.toFixed(2)} %`;
    return [
      `| ${count} hosts x 8 GPUs, 1 s refresh, 200x50 | this build |${base ? ' baseline build (same hosts, same run) |' : ''} naive (fresh \`ssh host nvidia-smi\` per host per second) |`,
      `| --- | --- |${base ? ' --- |' : ''} --- |`,
      `| client CPU, steady GPUs, the first ${seconds} s (from 3 s after connecting) | **${pct(ours.steadyPct)}** |${other((c) => pct(c.steadyPct))} ${naivePct === null ? '—' : `${naivePct.toFixed(1)} %`} |`,
      `| client CPU, steady GPUs, the next ${seconds} s once the sparklines are full | **${pct(ours.settledPct)}** |${other((c) => pct(c.settledPct))} — |`,
      `| client CPU, every GPU's utilisation changing every second | **${pct(ours.busyPct)}** |${other((c) => pct(c.busyPct))} — |`,
      `| start to first frame (in tmux) | ${ours.firstFrameMs} ms |${other((c) => `${c.firstFrameMs} ms`)} — |`,
      `| start to all ${count} hosts connected | ${ours.allConnectedMs} ms |${other((c) => `${c.allConnectedMs} ms`)} — |`,
      `| cockpit RSS after the run | ${ours.rssMiB.toFixed(0)} MiB |${other((c) => `${c.rssMiB.toFixed(0)} MiB`)} — |`,
    ];
  } finally {
    await hosts.stop();
  }
}

if (import.meta.main) {
  // node --import tsx bench/fleetCpu.ts [seconds=60] [hosts=8] [naive=1]
  const [seconds, count, naive] = process.argv.slice(2).map(Number);
  console.log((await fleetCpuBench(seconds || 60, count || 8, naive !== 0)).join('\n'));
  process.exit(0);
}
