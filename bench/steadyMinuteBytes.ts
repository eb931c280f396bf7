/**
 * Bytes the cockpit sends its terminal in a minute, live: the built CLI in a real tmux terminal
 * watching N real hosts x 8 GPUs at a 1 s refresh, everything tmux receives from it counted
 * (`pipe-pane`) over 60 s once the sparklines are full — with every figure steady, and with one
 * GPU of the selected host changing every second (a typical training run). Beside each, what Ink's
 * full redraw would have sent for the same frames: the frames counted by their begin-update mark,
 * times the bytes of the whole screen with its colours (`capture-pane -e`).
 * `node --import tsx bench/steadyMinuteBytes.ts [hosts=8] [seconds=60]`
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BEGIN_SYNCHRONIZED_UPDATE } from '../components/compactOutput.js';
import { HISTORY_LENGTH } from '../src/state/store.js';
import { startTestHosts } from '../test/harness/testHosts.js';
import { openCockpit } from './fleetCpu.js';

const BIN = process.env.BENCH_BIN ?? path.join(import.meta.dirname, '..', 'bin', 'trainyard.js');
const count = Number(process.argv[2] ?? 8);
const seconds = Number(process.argv[3] ?? 60);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const hosts = await startTestHosts({ count, gpu: { mode: 'load', count: 8 } });
const steadyUtil = Array.from({ length: 8 }, () => 99);
try {
  console.log(`| ${count} hosts x 8 GPUs, ${seconds} s | screen | bytes sent | frames | full redraw of those frames |`);
  console.log('| --- | --- | --- | --- | --- |');
  for (const [columns, rows] of [
    [50, 25],
    [200, 50],
  ] as [number, number][]) {
    const { term } = await openCockpit(BIN, hosts, '', [columns, rows]);
    if (columns < 60) term.send('2'); // the phone shows one pane: the GPUs tab
    await sleep((HISTORY_LENGTH + 5) * 1000);
    for (const kind of ['steady', 'one GPU changing'] as const) {
      const file = path.join(term.dir, `${kind.replace(/ /g, '-')}.out`);
      term.tmux('pipe-pane', '-t', 'e2e', `cat > '${file}'`);
      for (let s = 0; s < seconds; s++) {
        if (kind !== 'steady')
          hosts.hosts[0].setGpu({ mode: 'load', count: 8, util: [...steadyUtil.slice(1), 50 + (s % 40)] });
        await sleep(1000);
      }
      term.tmux('pipe-pane', '-t', 'e2e');
      await sleep(200);
      const sent = readFileSync(file, 'latin1');
      const frames = sent.split(BEGIN_SYNCHRONIZED_UPDATE).length - 1;
      const screen = Buffer.byteLength(term.tmux('capture-pane', '-p', '-e', '-t', 'e2e'));
      console.log(`| ${kind} | ${columns}x${rows} | **${statSync(file).size} B** | ${frames} | ${frames * screen} B |`);
      for (const h of hosts.hosts) h.setGpu({ mode: 'load', count: 8, util: steadyUtil });
      await sleep((HISTORY_LENGTH + 2) * 1000); // the changed figure scrolls out of the sparkline
    }
    term.send('q');
    await sleep(500);
    term.stop();
  }
} finally {
  await hosts.stop();
}
