/**
 * Where the cockpit's first seconds go, against N real sshd hosts: the built CLI runs with
 * --cpu-prof until all are connected, then the samples are cut into 100 ms windows, each with how
 * much of it the main thread was busy and the three heaviest places (by self time, package or file).
 * `node --import tsx bench/startupProfile.ts [hosts=32] [starts=1]`
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startTestHosts } from '../test/harness/testHosts.js';
import { type ProfileNode, readProfile } from './cpuProfile.js';
import { openCockpit } from './fleetCpu.js';

const BIN = path.join(import.meta.dirname, '..', 'bin', 'trainyard.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function place(frame: ProfileNode['callFrame']): string {
  const pkg = frame.url.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  if (frame.url.includes('/dist/')) return path.basename(frame.url);
  if (frame.url.startsWith('node:')) return frame.url;
  return frame.functionName || frame.url || '(vm)';
}

function windows(profile: ReturnType<typeof readProfile>, widthMs: number): string[] {
  const { byId } = profile;
  const lines: string[] = [];
  let t = 0;
  const buckets: Map<string, number>[] = [];
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] / 1000;
    const w = Math.floor(t / widthMs);
    buckets[w] ??= new Map();
    const node = byId.get(profile.samples[i])!;
    const key = place(node.callFrame);
    buckets[w].set(key, (buckets[w].get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  }
  buckets.forEach((b, w) => {
    if (!b) return;
    const idle = b.get('(idle)') ?? 0;
    const busy = [...b].filter(([k]) => k !== '(idle)');
    const total = busy.reduce((s, [, v]) => s + v, 0);
    const top = busy
      .sort((a, c) => c[1] - a[1])
      .slice(0, 4)
      .map(([k, v]) => `${k} ${v.toFixed(0)}`)
      .join(', ');
    lines.push(
      `${String(w * widthMs).padStart(5)} ms  busy ${total.toFixed(0).padStart(3)} idle ${idle.toFixed(0).padStart(3)}  ${top}`,
    );
  });
  return lines;
}

if (import.meta.main) {
  const [count = 32, starts = 1] = process.argv.slice(2).map(Number);
  const hosts = await startTestHosts({ count, gpu: { mode: 'load', count: 8 } });
  const dir = '/tmp/trainyard-startup-prof';
  try {
    for (let s = 0; s < starts; s++) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      const { term, firstFrameMs, allConnectedMs } = await openCockpit(BIN, hosts, `--cpu-prof --cpu-prof-dir=${dir}`);
      term.send('q');
      await sleep(1500);
      term.stop();
      console.log(`start ${s + 1}: first frame ${firstFrameMs} ms, all ${count} connected ${allConnectedMs} ms`);
      for (const f of readdirSync(dir)) {
        const profile = readProfile(path.join(dir, f));
        console.log(`${f}: ${profile.samples.length} samples`);
        if (profile.samples.length > 50) console.log(windows(profile, 100).slice(0, 40).join('\n'));
      }
    }
  } finally {
    await hosts.stop();
  }
  process.exit(0);
}
