/**
 * Run by cachedFrameOutput.test.ts in its own process (`node --import tsx`): the cockpit with the
 * bin's Ink hooks, every frame it draws also drawn by Ink's own Output from the same write
 * operations. Prints {frames, mismatches} as JSON.
 */

import { CountingTty, fakeStdin, idleController } from '../../bench/fakeTerminal.js';
import { HISTORY_LENGTH, recordGpuSample, type TrainyardStore } from '../../src/state/store.js';
import { resizeTerminal } from '../support/resizeTerminal.js';
import { bigFleet, fillConnectedHost, MIXED_SESSIONS, makeStore } from './fixtures.js';

const dist = new URL('../../dist/', import.meta.url);
await import(new URL('src/text/inkWidthHook.js', dist).href);
const { outputRedirected } = await import(new URL('components/inkImportsHook.js', dist).href);
const { CachedFrameOutput, InkOutput } = await import(new URL('components/cachedFrameOutput.js', dist).href);
const { mountCockpit } = await import('../../components/runCockpit.js');

let frames = 0;
const mismatches: { ours: string; inks: string }[] = [];
const ownGet = CachedFrameOutput.prototype.get;
CachedFrameOutput.prototype.get = function shadowGet(this: InstanceType<typeof CachedFrameOutput>) {
  const ours = ownGet.call(this);
  const ink = new InkOutput({ width: this.width, height: this.height });
  ink.operations.push(...this.operations);
  const inks = ink.get();
  frames++;
  if (ours.output !== inks.output || ours.height !== inks.height)
    mismatches.push({ ours: ours.output, inks: inks.output });
  return ours;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function drive(store: TrainyardStore, columns: number, rows: number, keys: string[]) {
  const stdin = fakeStdin();
  const stdout = new CountingTty(columns, rows);
  const app = mountCockpit(store, idleController, {
    stdout: stdout as never,
    stdin: stdin as never,
  });
  await sleep(100);
  for (let i = 0; i < HISTORY_LENGTH + 5; i++) {
    for (const alias of store.getState().hostOrder) {
      const gpus = store.getState().hosts[alias].gpus;
      recordGpuSample(
        store,
        alias,
        gpus.map((g) => ({ ...g, utilization: (i * 37 + g.index * 13) % 101 })),
      );
    }
    if (i < keys.length) stdin.write(keys[i]);
    if (i === keys.length + 2) resizeTerminal(stdout, columns + 7, rows + 3);
    if (i === keys.length + 5) resizeTerminal(stdout, columns, rows);
    await sleep(40);
  }
  app.unmount();
}

const keys = [
  'j',
  'j',
  '\t',
  'j',
  '\t',
  'k',
  '?',
  '?',
  'l',
  'h',
  '1',
  '2',
  '3',
  'j',
  'j',
  'j',
  'j',
  'j',
  'j',
  'j',
  'j',
];
await drive(bigFleet(), 200, 50, keys);
await drive(bigFleet(), 50, 25, keys);
await drive(bigFleet(), 37, 13, keys);
const odd = makeStore(['中文-ホスト', 'emoji-🧪-host', 'x']);
for (const alias of odd.getState().hostOrder) fillConnectedHost(odd, alias, { gpus: 3, sessions: MIXED_SESSIONS });
await drive(odd, 120, 30, keys);
process.stdout.write(JSON.stringify({ outputRedirected, frames, mismatches: mismatches.slice(0, 3) }));
process.exit(0);
