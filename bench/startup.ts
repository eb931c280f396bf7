/**
 * Start-up against N real sshd hosts, several starts, alternating with another build when one is
 * given: start to first frame, to all connected, the cockpit's own CPU until then, and the whole
 * machine's (the hosts' sshds and what the probes start on them share the cockpit's cores, so
 * their work delays the last handshake as much as the cockpit's own).
 * `BENCH_BASELINE_BIN=/other/bin/trainyard.js node --import tsx bench/startup.ts [hosts=32] [starts=5]`
 * The 32 sshds share this machine's cores with the cockpit, so the times swing by a few hundred ms
 * from start to start: compare medians of alternated starts, never two single starts.
 */
import path from 'node:path';
import { startTestHosts } from '../test/harness/testHosts.js';
import { openCockpit } from './fleetCpu.js';
import { HZ, machineBusyTicks, userSystemTicks } from './procStats.js';

const BIN = path.join(import.meta.dirname, '..', 'bin', 'trainyard.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Start {
  firstFrameMs: number;
  allConnectedMs: number;
  cpuMs: number;
  machineCpuMs: number;
}

export async function startupBench(count: number, starts: number, baselineBin?: string): Promise<string[]> {
  const builds: [string, string][] = [['this build', BIN]];
  if (baselineBin) builds.push(['baseline build', baselineBin]);
  const results = new Map<string, Start[]>(builds.map(([name]) => [name, []]));
  const hosts = await startTestHosts({ count, gpu: { mode: 'load', count: 8 } });
  try {
    for (let s = 0; s < starts; s++)
      for (const [name, bin] of s % 2 ? [...builds].reverse() : builds) {
        await sleep(1500); // the last cockpit's sshd sessions are gone
        const machineBefore = machineBusyTicks();
        const { term, pid, firstFrameMs, allConnectedMs } = await openCockpit(bin, hosts);
        const machineCpuMs = ((machineBusyTicks() - machineBefore) / HZ) * 1000;
        const [user, system] = userSystemTicks(pid);
        results.get(name)!.push({ firstFrameMs, allConnectedMs, cpuMs: ((user + system) / HZ) * 1000, machineCpuMs });
        term.send('q');
        await sleep(800);
        term.stop();
      }
  } finally {
    await hosts.stop();
  }
  const cell = (name: string, f: (s: Start) => number) => {
    const xs = results.get(name)!.map(f);
    return `**${median(xs).toFixed(0)} ms** (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
  };
  const row = (what: string, f: (s: Start) => number) =>
    `| ${what} | ${builds.map(([name]) => cell(name, f)).join(' | ')} |`;
  return [
    `| ${count} hosts x 8 GPUs, 200x50, median (min–max) of ${starts} starts${baselineBin ? ', alternated' : ''} | ${builds.map(([name]) => name).join(' | ')} |`,
    `| --- |${builds.map(() => ' --- |').join('')}`,
    row('start to first frame', (s) => s.firstFrameMs),
    row(`start to all ${count} connected`, (s) => s.allConnectedMs),
    row('cockpit CPU until then', (s) => s.cpuMs),
    row('the whole machine: CPU until then (every process, this bench too)', (s) => s.machineCpuMs),
  ];
}

if (import.meta.main) {
  const [count = 32, starts = 5] = process.argv.slice(2).map(Number);
  console.log((await startupBench(count, starts, process.env.BENCH_BASELINE_BIN)).join('\n'));
  process.exit(0);
}
