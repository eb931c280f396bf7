/**
 * Where the cockpit's CPU goes by thread, user and system apart: the built cockpit watching N real
 * hosts x 8 GPUs at a 1 s refresh in a real 200x50 terminal, over a steady window and then one with
 * every GPU's utilisation changing every second (after SETTLE s, default 40: sparklines full).
 * `node --import tsx bench/cockpitThreads.ts [hosts=32] [seconds=30]`; BENCH_BIN: another build's bin.
 */
import path from 'node:path';
import { startTestHosts } from '../test/harness/testHosts.js';
import { openCockpit, setChangingGpus } from './fleetCpu.js';
import { threadTicks } from './procStats.js';

const BIN = process.env.BENCH_BIN ?? path.join(import.meta.dirname, '..', 'bin', 'trainyard.js');
const count = Number(process.argv[2] ?? 32);
const seconds = Number(process.argv[3] ?? 30);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const hosts = await startTestHosts({ count, gpu: { mode: 'load', count: 8 } });
try {
  const { term, pid } = await openCockpit(BIN, hosts);
  await sleep(Number(process.env.SETTLE ?? 40) * 1000);
  console.log(`| ${count} hosts x 8 GPUs, 200x50, ${seconds} s | thread | user | system |`);
  console.log('| --- | --- | --- | --- |');
  for (const kind of ['steady', 'changing'] as const) {
    const before = threadTicks(pid);
    const t0 = Date.now();
    for (let s = 0; s < seconds; s++) {
      if (kind === 'changing') setChangingGpus(hosts, s);
      await sleep(1000);
    }
    const ms = Date.now() - t0;
    const pct = (ticks: number) => `${((ticks * 1000) / ms).toFixed(2)} %`; // 10 ms ticks over ms
    for (const [thread, [user, system]] of threadTicks(pid)) {
      const [user0, system0] = before.get(thread) ?? [0, 0];
      if (user + system > user0 + system0)
        console.log(`| ${kind} | ${thread} | ${pct(user - user0)} | ${pct(system - system0)} |`);
    }
  }
  term.send('q');
  await sleep(500);
  term.stop();
} finally {
  await hosts.stop();
}
