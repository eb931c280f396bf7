/**
 * CPU per frame of the real cockpit (React + Ink + the write) rendering 8 hosts x 8 GPUs into a
 * fake 200x50 TTY, in this process: `node --import tsx bench/frameCost.ts [frames=200]`
 * (HOSTS=32 for 32 hosts). Each update changes every GPU's utilisation on every host (the busy
 * case: every sample is news; CHANGE= below for less), written the way the cockpit writes them:
 * one batch a second. DETAIL=1 also prints, per screen, the main thread's share of the CPU
 * (the rest is V8's helper threads: GC, compiling).
 */
import { execFileSync } from 'node:child_process';
import { SampleBatcher } from '../src/state/sampleBatcher.js';
import { HISTORY_LENGTH, recordGpuSample, type TrainyardStore } from '../src/state/store.js';
import { bigFleet } from '../test/components/fixtures.js';
import { CountingTty, fakeStdin, idleController } from './fakeTerminal.js';

// As bin/trainyard.js does, before Ink is loaded (FAST_WIDTH=0 measures Ink with its own string-width,
// CACHED_OUTPUT=0 with its own frame buffer).
if (process.env.FAST_WIDTH !== '0') await import(new URL('../dist/src/text/inkWidthHook.js', import.meta.url).href);
if (process.env.CACHED_OUTPUT !== '0')
  await import(new URL('../dist/components/inkImportsHook.js', import.meta.url).href);
const { mountCockpit } = await import('../components/runCockpit.js');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function frameCost(columns: number, rows: number, frames: number): Promise<{ msPerFrame: number }> {
  const store: TrainyardStore = bigFleet(Number(process.env.HOSTS ?? 8));
  for (const alias of store.getState().hostOrder)
    for (let i = 0; i < HISTORY_LENGTH; i++) recordGpuSample(store, alias, store.getState().hosts[alias].gpus);
  const stdout = new CountingTty(columns, rows);
  const stdin = fakeStdin();
  const controller = idleController;
  const app = mountCockpit(store, controller, { stdout: stdout as never, stdin: stdin as never });
  await sleep(500);
  const batcher = new SampleBatcher(store, 1000);
  // FRAME_GAP_MS=1000 spaces the frames as the cockpit's are (caches and JIT state go cold between)
  const gapMs = Number(process.env.FRAME_GAP_MS ?? 40);
  // CHANGE=selected: only the selected (first) host's GPUs change; CHANGE=one: only its GPU 0
  // (what a frame costs whatever changed). Default: every GPU of every host.
  const change = process.env.CHANGE ?? 'all';
  const update = (i: number) => {
    const order = store.getState().hostOrder;
    for (const alias of change === 'all' ? order : order.slice(0, 1))
      batcher.add(
        alias,
        store
          .getState()
          .hosts[alias].gpus.map((g) =>
            change === 'one' && g.index > 0 ? g : { ...g, utilization: (i * 7 + g.index * 13) % 100 },
          ),
      );
    batcher.flush();
  };
  for (let i = 0; i < 20; i++) {
    update(i);
    await sleep(40);
  }
  const c0 = process.cpuUsage();
  const t0 = process.threadCpuUsage();
  for (let i = 0; i < frames; i++) {
    update(i + 20);
    await sleep(gapMs); // past Ink's 30 fps cap: one frame per update
  }
  const c = process.cpuUsage(c0);
  const t = process.threadCpuUsage(t0);
  app.unmount();
  if (process.env.DETAIL === '1') {
    const ms = (usage: NodeJS.CpuUsage) => ((usage.user + usage.system) / 1000 / frames).toFixed(2);
    process.stderr.write(`${columns}x${rows}: main thread ${ms(t)} of ${ms(c)} ms a frame\n`);
  }
  return { msPerFrame: (c.user + c.system) / 1000 / frames };
}

/** Rows of a markdown table: this tree's cockpit, without the cached frame buffer, and with neither of Ink's replacements (each in its own process). */
export function frameCostBench(frames: number): string[] {
  const run = (fastWidth: string, cachedOutput: string) =>
    execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', String(frames)], {
      env: { ...process.env, NODE_ENV: 'production', FAST_WIDTH: fastWidth, CACHED_OUTPUT: cachedOutput },
      encoding: 'utf8',
    })
      .trim()
      .split(' ');
  const [ours, uncached, inks] = [run('1', '1'), run('1', '0'), run('0', '0')];
  return [
    '| screen | CPU per frame, every GPU changing | same, Ink’s own frame buffer | same, Ink’s own frame buffer and string-width |',
    '| --- | --- | --- | --- |',
    `| 200x50 | **${ours[0]} ms** | ${uncached[0]} ms | ${inks[0]} ms |`,
    `| 50x25 | **${ours[1]} ms** | ${uncached[1]} ms | ${inks[1]} ms |`,
  ];
}

if (import.meta.main) {
  const frames = Number(process.argv.at(-1) ?? 200) || 200;
  if (process.argv.includes('--child')) {
    const figures: string[] = [];
    // SIZE=200x50 measures one screen only (for a profile of that screen)
    const sizes = process.env.SIZE
      ? [process.env.SIZE.split('x').map(Number)]
      : [
          [200, 50],
          [50, 25],
        ];
    for (const [c, r] of sizes) figures.push((await frameCost(c, r, frames)).msPerFrame.toFixed(2));
    process.stdout.write(figures.join(' '));
  } else console.log(frameCostBench(frames).join('\n'));
  process.exit(0);
}
