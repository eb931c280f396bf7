/**
 * Two builds of the cockpit watching the same N real hosts x 8 GPUs at the same time, each in its
 * own real 200x50 terminal, measured over the same windows: a fair comparison on a shared machine,
 * where back-to-back runs differ by more than the change being measured. Each round is a steady
 * window (the figures repeat, the sparklines full and still) then a window with every GPU's
 * utilisation changing every second.
 * `BENCH_BASELINE_BIN=… node --import tsx bench/fleetSideBySide.ts [hosts=8] [seconds=30] [rounds=3]`
 * BENCH_FLAGS= and BENCH_BASELINE_FLAGS= give either cockpit Node flags (the same build with and
 * without a V8 flag: BENCH_BASELINE_BIN=bin/trainyard.js). WARMUP=s: both first watch every GPU change
 * for s seconds, so the rounds measure the cost V8 settles at once it has compiled the per-second
 * code (minutes: bench/fleetTrend.ts), not the first minutes'.
 */
import path from 'node:path';
import { HISTORY_LENGTH } from '../src/state/store.js';
import { startTestHosts } from '../test/harness/testHosts.js';
import { openCockpit, setChangingGpus } from './fleetCpu.js';
import { cpuTicks } from './procStats.js';

const BIN = path.join(import.meta.dirname, '..', 'bin', 'trainyard.js');
const BASELINE = process.env.BENCH_BASELINE_BIN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const count = Number(process.argv[2] ?? 8);
const seconds = Number(process.argv[3] ?? 30);
const rounds = Number(process.argv[4] ?? 3);
if (!BASELINE) throw new Error('BENCH_BASELINE_BIN= names the build to compare with');

const hosts = await startTestHosts({ count, gpu: { mode: 'load', count: 8 } });
try {
  const cockpits = [
    await openCockpit(BIN, hosts, process.env.BENCH_FLAGS ?? ''),
    await openCockpit(BASELINE, hosts, process.env.BENCH_BASELINE_FLAGS ?? ''),
  ];
  await sleep(40_000); // past start-up and the first look at runs and watchdogs; sparklines full
  const rows: string[] = [];
  const sums = { steady: [0, 0], changing: [0, 0] };
  let second = 0;
  const warmup = Number(process.env.WARMUP ?? 0);
  if (warmup > 0) {
    for (; second < warmup; second++) {
      setChangingGpus(hosts, second);
      await sleep(1000);
    }
    for (const h of hosts.hosts) h.setGpu({ mode: 'load', count: 8 });
    await sleep((HISTORY_LENGTH + 2) * 1000);
  }
  for (let round = 1; round <= rounds; round++) {
    for (const kind of ['steady', 'changing'] as const) {
      const t0 = Date.now();
      const c0 = cockpits.map((c) => cpuTicks(c.pid));
      for (let s = 0; s < seconds; s++, second++) {
        if (kind === 'changing') setChangingGpus(hosts, second);
        await sleep(1000);
      }
      const ms = Date.now() - t0;
      const pct = cockpits.map((c, i) => ((cpuTicks(c.pid) - c0[i]) * 1000) / ms); // 10 ms ticks over ms, in %
      sums[kind][0] += pct[0];
      sums[kind][1] += pct[1];
      rows.push(`| ${round} | ${kind} | **${pct[0].toFixed(2)} %** | ${pct[1].toFixed(2)} % |`);
      if (kind === 'changing' && round < rounds) {
        for (const h of hosts.hosts) h.setGpu({ mode: 'load', count: 8 });
        // the sparklines scroll the changing figures out for HISTORY_LENGTH samples: not steady yet
        await sleep((HISTORY_LENGTH + 2) * 1000);
      }
    }
  }
  for (const c of cockpits) {
    c.term.send('q');
    await sleep(500);
    c.term.stop();
  }
  console.log(`| ${count} hosts x 8 GPUs, 200x50, ${seconds} s windows, both at once | | this build | baseline |`);
  console.log('| --- | --- | --- | --- |');
  console.log(rows.join('\n'));
  for (const kind of ['steady', 'changing'] as const)
    console.log(
      `| mean | ${kind} | **${(sums[kind][0] / rounds).toFixed(2)} %** | ${(sums[kind][1] / rounds).toFixed(2)} % |`,
    );
} finally {
  await hosts.stop();
}
process.exit(0);
