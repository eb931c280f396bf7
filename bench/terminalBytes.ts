/**
 * Bytes written to the terminal per update: the real cockpit rendered by Ink into a fake
 * 200x50 TTY, one GPU value changed on the selected host, bytes counted until the frame is out.
 */
import { mountCockpit } from '../components/runCockpit.js';
import { HISTORY_LENGTH, recordGpuSample, type TrainyardStore } from '../src/state/store.js';
import { bigFleet } from '../test/components/fixtures.js';
import { CountingTty, fakeStdin, idleController } from './fakeTerminal.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(
  incremental: boolean,
  columns: number,
  rows: number,
): Promise<{ firstFrame: number; perUpdate: number[] }> {
  const store: TrainyardStore = bigFleet();
  // Steady state: every GPU's sparkline history is full of the same values, so a new sample
  // that changes one GPU changes that GPU's row (and the host's average), nothing else.
  for (const alias of store.getState().hostOrder) {
    for (let i = 0; i < HISTORY_LENGTH; i++) recordGpuSample(store, alias, store.getState().hosts[alias].gpus);
  }
  const stdout = new CountingTty(columns, rows);
  const stdin = fakeStdin();
  const controller = idleController;
  const app = mountCockpit(store, controller, {
    stdout: stdout as never,
    stdin: stdin as never,
    incrementalRendering: incremental,
  });
  await sleep(500);
  if (columns < 60) {
    stdin.write('2'); // the phone shows one pane: look at the GPUs tab
    await sleep(300);
  }
  const firstFrame = stdout.bytes;
  const alias = store.getState().hostOrder[0];
  const perUpdate: number[] = [];
  for (let i = 0; i < 10; i++) {
    const before = stdout.bytes;
    const gpus = store.getState().hosts[alias].gpus.map((g) => (g.index === 3 ? { ...g, utilization: 40 + i } : g));
    recordGpuSample(store, alias, gpus);
    await sleep(250); // maxFps 10: one frame is out well within this
    perUpdate.push(stdout.bytes - before);
  }
  app.unmount();
  return { firstFrame, perUpdate };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function terminalBytesBench(): Promise<string[]> {
  const rows: string[] = [];
  for (const [c, r] of [
    [200, 50],
    [50, 25],
  ]) {
    const inc = await measure(true, c, r);
    const full = await measure(false, c, r);
    rows.push(
      `| ${c}x${r}${c < 60 ? ' (GPUs tab)' : ''} | one GPU's utilisation changes (8 hosts x 8 GPUs) | ${median(inc.perUpdate)} B | ${median(full.perUpdate)} B | first frame ${inc.firstFrame} B |`,
    );
  }
  return [
    '| screen | update | trainyard (incremental) | full redraw (baseline) | note |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ];
}
