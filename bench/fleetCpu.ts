/**
 * Idle CPU of the cockpit watching 8 hosts x 8 GPUs at a 1 s refresh, beside the naive way
 * (a fresh `ssh host nvidia-smi …` per host per second), and start-up times — all against
 * real sshd hosts in network namespaces (test/harness), measured in the same run.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gpuStreamCommand } from '../src/commands/probes.js';
import { commandLine } from '../src/commands/value.js';
import { TmuxTerminal } from '../test/e2e/terminal.js';
import { startTestHosts } from '../test/harness/testHosts.js';

const HZ = 100; // USER_HZ on Linux
const BIN = path.join(import.meta.dirname, '..', 'bin', 'trainyard.js');

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

export async function fleetCpuBench(seconds: number): Promise<string[]> {
  const hosts = await startTestHosts({ count: 8, gpu: { mode: 'load', count: 8 } });
  const lines: string[] = [];
  try {
    const config = path.join(hosts.dir, 'bench.json');
    writeFileSync(
      config,
      JSON.stringify({ hosts: hosts.hosts.map((h) => h.alias), sshConfig: hosts.sshConfigPath, refreshSeconds: 1 }),
    );

    // --- the cockpit, in a real terminal
    const term = new TmuxTerminal(200, 50);
    const t0 = Date.now();
    term.start(`exec node ${BIN} --config ${config}`, { PATH: process.env.PATH! });
    let firstFrame = 0;
    let allConnected = 0;
    while (!allConnected && Date.now() - t0 < 30_000) {
      const text = term.text();
      if (!firstFrame && /trainyard/.test(text)) firstFrame = Date.now() - t0;
      if (/8 hosts · 8 connected/.test(text)) allConnected = Date.now() - t0;
      await new Promise((r) => setTimeout(r, 10));
    }
    const pid = Number(term.tmux('list-panes', '-t', 'e2e', '-F', '#{pane_pid}').trim());
    await new Promise((r) => setTimeout(r, 3000)); // settle: first samples, sparklines filling
    const measureCpu = async (during?: (second: number) => void) => {
      const c0 = cpuTicks(pid);
      const w0 = Date.now();
      for (let second = 0; second < seconds; second++) {
        during?.(second);
        await new Promise((r) => setTimeout(r, 1000));
      }
      return ((cpuTicks(pid) - c0) / HZ / ((Date.now() - w0) / 1000)) * 100;
    };
    // steady: every GPU reports the same load figures each second (the fake replays one capture)
    const steadyPct = await measureCpu();
    // busy: every GPU's utilisation changes every second, so every sample is news to draw
    const busyPct = await measureCpu((second) => {
      for (const h of hosts.hosts)
        h.setGpu({
          mode: 'load',
          count: 8,
          util: Array.from({ length: 8 }, (_, i) => 50 + ((second * 7 + i * 5 + h.n) % 50)),
        });
    });
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
    term.send('q');
    await new Promise((r) => setTimeout(r, 500));
    term.stop();

    // --- the naive way: every second, a fresh ssh per host running nvidia-smi once
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
    const naivePct = ((u + s) / real) * 100;

    lines.push(
      '| what | trainyard (held connections, one nvidia-smi stream per host) | naive (fresh `ssh host nvidia-smi` per host per second) |',
      '| --- | --- | --- |',
    );
    lines.push(
      `| client CPU, 8 hosts x 8 GPUs, 1 s refresh, steady GPUs, over ${seconds} s | ${steadyPct.toFixed(2)} % of one core | ${naivePct.toFixed(1)} % of one core |`,
    );
    lines.push(
      `| client CPU, same, every GPU's utilisation changing every second | ${busyPct.toFixed(2)} % of one core | (same as above: the naive way does not care) |`,
    );
    lines.push(`| start to first frame (200x50, in tmux) | ${firstFrame} ms | — |`);
    lines.push(`| start to all 8 hosts connected (namespaces on this machine) | ${allConnected} ms | — |`);
    lines.push(`| cockpit RSS after the run | ${rss.toFixed(0)} MiB | — |`);
  } finally {
    await hosts.stop();
  }
  return lines;
}
