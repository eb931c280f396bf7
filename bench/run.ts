/**
 * `npm run bench`: the foundation benchmarks, then every other bench/*.bench.ts, each in its own
 * process. Figures go to stdout as markdown; BENCHMARKS.md records them with the machine.
 * BENCH_SECONDS shortens the 60 s CPU window (e.g. BENCH_SECONDS=10 for a quick look).
 */

import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fleetCpuBench } from './fleetCpu.js';
import { frameCostBench } from './frameCost.js';
import { lineCostBench } from './lineCost.js';
import { terminalBytesBench } from './terminalBytes.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 60);
console.log(`# trainyard benchmarks — ${new Date().toISOString()}`);
console.log(
  `machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}\n`,
);
console.log('## Bytes written to the terminal per update\n');
console.log((await terminalBytesBench()).join('\n') + '\n');
console.log('## CPU per frame (in process)\n');
console.log(frameCostBench(200).join('\n') + '\n');
console.log('## A changed row: repaint and sanitise (in process)\n');
console.log(lineCostBench().join('\n') + '\n');
console.log('## Fleet: idle CPU and start-up\n');
console.log((await fleetCpuBench(seconds)).join('\n') + '\n');
console.log((await fleetCpuBench(seconds, 32, false)).join('\n') + '\n');
for (const file of readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()) {
  console.log(`## ${file}\n`);
  execFileSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, file)], { stdio: 'inherit' });
  console.log('');
}
process.exit(0);
