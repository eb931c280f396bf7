/**
 * The cockpit's CPU over consecutive windows while every GPU changes every second, on N real
 * hosts x 8 GPUs: how the cost settles once V8 has optimised the per-frame code (the fleetCpu
 * windows start right after connecting). BENCH_BASELINE_BIN measures another build too, after.
 * STEADY=1: the figures repeat instead (start-up, the sparklines filling, the periodic looks).
 * `node --import tsx bench/fleetTrend.ts [windows=6] [seconds=30] [hosts=8]`
 */
import path from 'node:path';
import { startTestHosts, type TestHosts } from '../test/harness/testHosts.js';
import { openCockpit, setChangingGpus } from './fleetCpu.js';
import { cpuTicks } from './procStats.js';

const BIN = path.join(import.meta.dirname, '..', 'bin', 'trainyard.js');
const STEADY = process.env.STEADY === '1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function trend(bin: string, hosts: TestHosts, windows: number, seconds: number): Promise<number[]> {
  const { term, pid } = await openCockpit(bin, hosts);
  const shares: number[] = [];
  let second = 0;
  try {
    for (let w = 0; w < windows; w++) {
      const [c0, t0] = [cpuTicks(pid), Date.now()];
      for (let s = 0; s < seconds; s++, second++) {
        if (!STEADY) setChangingGpus(hosts, second);
        await sleep(1000);
      }
      shares.push(((cpuTicks(pid) - c0) * 1000) / (Date.now() - t0)); // ticks of 10 ms over ms, in %
    }
    term.send('q');
    await sleep(500);
  } finally {
    term.stop();
  }
  return shares;
}

if (import.meta.main) {
  const [windows, seconds, count] = process.argv.slice(2).map(Number);
  const hosts = await startTestHosts({ count: count || 8, gpu: { mode: 'load', count: 8 } });
  try {
    const builds = [BIN, ...(process.env.BENCH_BASELINE_BIN ? [process.env.BENCH_BASELINE_BIN] : [])];
    const rows = [];
    for (const bin of builds) rows.push(await trend(bin, hosts, windows || 6, seconds || 30));
    const w = rows[0].length;
    console.log(
      `| window (${seconds || 30} s each from connecting, ${STEADY ? 'steady' : 'every GPU changing'}) | ${Array.from({ length: w }, (_, i) => i + 1).join(' | ')} |`,
    );
    console.log(`| --- |${' --- |'.repeat(w)}`);
    rows.forEach((r, i) =>
      console.log(`| ${i === 0 ? 'this build' : 'baseline'} | ${r.map((x) => `${x.toFixed(2)} %`).join(' | ')} |`),
    );
  } finally {
    await hosts.stop();
  }
  process.exit(0);
}
