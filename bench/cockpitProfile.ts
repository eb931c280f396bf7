/**
 * A CPU profile of the built cockpit watching N real hosts x 8 GPUs at a 1 s refresh in a real
 * terminal: `node --import tsx bench/cockpitProfile.ts [hosts=8] [seconds=30] [outDir]`.
 * Prints the CPU share over the window and the functions with the most self and inclusive time.
 * CHANGING=1: every GPU's utilisation changes every second. NO_PROF=1: no profiler (its own cost is several times the cockpit's); SETTLE=s waits longer first
 * (HISTORY_LENGTH s fill the sparklines); WARMUP=s: every GPU changes for s seconds first (the
 * window then sees the code V8 has settled on, minutes after start); BENCH_BIN: another build's bin.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { startTestHosts } from '../test/harness/testHosts.js';
import { type ProfileNode, readProfile } from './cpuProfile.js';
import { openCockpit, setChangingGpus } from './fleetCpu.js';
import { rssMiB, userSystemTicks } from './procStats.js';

const BIN = process.env.BENCH_BIN ?? path.join(import.meta.dirname, '..', 'bin', 'trainyard.js');
const count = Number(process.argv[2] ?? 8);
const seconds = Number(process.argv[3] ?? 30);
const outDir = process.argv[4] ?? '/tmp/trainyard-profile';

/** Self and inclusive time of the samples taken between fromMs and toMs after the process started. */
function topSelf(file: string, n: number, fromMs: number, toMs: number): string[] {
  const prof = readProfile(file);
  const { byId, parent } = prof;
  const name = (node: ProfileNode) => {
    const f = node.callFrame;
    return `${f.functionName || '(anon)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^.*\/(perf|dist)\//, '')}:${f.lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let at = 0;
  prof.samples.forEach((id, i) => {
    const dt = prof.timeDeltas[i] ?? 0;
    at += dt;
    if (at < fromMs * 1000 || at > toMs * 1000) return;
    const node = byId.get(id)!;
    const key = name(node);
    self.set(key, (self.get(key) ?? 0) + dt);
    if (key.startsWith('(idle)') || key.startsWith('(program)')) return;
    total += dt;
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const k = name(byId.get(n)!);
      if (!seen.has(k)) inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
      seen.add(k);
    }
  });
  const top = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `${(v / 1000).toFixed(1).padStart(8)} ms  ${k}`);
  return [
    `busy (not idle/program) ${(total / 1000).toFixed(0)} ms`,
    '-- self',
    ...top(self),
    '-- inclusive',
    ...top(inclusive),
  ];
}

const hosts = await startTestHosts({ count, gpu: { mode: 'load', count: 8 } });
try {
  mkdirSync(outDir, { recursive: true });
  const flags = process.env.NO_PROF ? '' : `--cpu-prof --cpu-prof-dir=${outDir}`;
  // the profile's file appears when the process starts, not when it ends
  const before = new Set(readdirSync(outDir));
  const t0 = Date.now();
  const { term, pid, allConnectedMs: connected } = await openCockpit(BIN, hosts, flags);
  await new Promise((r) => setTimeout(r, Number(process.env.SETTLE ?? 3) * 1000));
  for (let second = 0; second < Number(process.env.WARMUP ?? 0); second++) {
    setChangingGpus(hosts, second);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const c0 = userSystemTicks(pid);
  const w0 = Date.now();
  for (let second = 0; second < seconds; second++) {
    if (process.env.CHANGING === '1') setChangingGpus(hosts, second);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const c1 = userSystemTicks(pid);
  const wall = (Date.now() - w0) / 1000;
  const share = (ticks: number) => ((ticks / 100 / wall) * 100).toFixed(2);
  const pct = `${share(c1[0] + c1[1] - c0[0] - c0[1])} % (user ${share(c1[0] - c0[0])}, system ${share(c1[1] - c0[1])})`;
  const rss = rssMiB(pid);
  term.send('q');
  for (let i = 0; i < 100 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 100));
  term.stop();
  console.log(`${count} hosts: connected ${connected} ms, CPU ${pct} over ${seconds} s, RSS ${rss.toFixed(0)} MiB`);
  // the bin's own start writes a small profile too when it replaces itself: the cockpit's is the largest
  const prof = readdirSync(outDir)
    .filter((f) => !before.has(f) && f.endsWith('.cpuprofile'))
    .sort((a, b) => statSync(path.join(outDir, b)).size - statSync(path.join(outDir, a)).size)[0];
  if (prof) console.log(topSelf(path.join(outDir, prof), 40, w0 - t0, w0 - t0 + seconds * 1000).join('\n'));
} finally {
  await hosts.stop();
}
process.exit(0);
