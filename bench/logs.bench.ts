/**
 * Log pane benchmarks (node --import tsx bench/logs.bench.ts):
 *
 *  1. keypress → frame latency while a 10 000 lines/s log is tailed. A writer process appends
 *     10 000 lines/s to a file; a LogTail follows it through the real tail script (LocalTransport,
 *     the same command that runs over SSH) and feeds a MetricsCollector; LogPane + LossChart are
 *     rendered by Ink to a fake 50x25 TTY. Keys are typed into the search prompt (each a letter not
 *     on screen before), and the latency is the time from writing the key to stdin until the first
 *     stdout write that carries it. Target: p99 < 50 ms.
 *  2. RSS after 1 M log lines went through the same pipeline (tail script, parser, ring buffer,
 *     metrics, rendered pane), in a fresh process. Target: < 150 MB.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { LogTail } from '../src/logs/logTail.js';
import { MetricsCollector } from '../src/logs/metrics.js';
import { LocalTransport } from '../src/transport/local.js';

// As bin/trainyard.js runs it: React's production build. Set before React is first imported.
process.env.NODE_ENV ??= 'production';
const React = (await import('react')).default;
const { Box, render } = await import('ink');
const { LogPane } = await import('../components/LogPane.js');
const { LossChart } = await import('../components/LossChart.js');

const COLUMNS = 50;
const ROWS = 25;
const RATE = 10_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class FakeTty extends Writable {
  isTTY = true;
  columns = COLUMNS;
  rows = ROWS;
  bytes = 0;
  writes = 0;
  onChunk: ((chunk: string, at: number) => void) | null = null;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    const text = chunk.toString();
    this.bytes += Buffer.byteLength(text);
    this.writes++;
    this.onChunk?.(text, performance.now());
    cb();
  }
}

function fakeStdin(): PassThrough {
  const stdin = new PassThrough();
  Object.assign(stdin, { isTTY: true, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin });
  return stdin;
}

/** A writer process appending `rate` lines/s (lower case only: upper case letters are the probe). */
function startWriter(file: string, rate: number, seconds: number) {
  const script = `
    const fs = require('fs'); const fd = fs.openSync(process.argv[1], 'a'); let n = 0; const t0 = Date.now();
    const total = ${rate * seconds};
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor((Date.now() - t0) / 1000 * ${rate}));
      let chunk = '';
      for (; n < due; n++) {
        const loss = (2 / (1 + n / 20000)).toFixed(4);
        chunk += n % 500 === 0
          ? 'epoch ' + (n / 500) + ':  10%|#         |\\r epoch: 100%|##########|\\n'
          : 'step ' + n + ' loss ' + loss + ' lr 3.0e-04 | \\u001b[32mok\\u001b[0m ' + 'x'.repeat(n % 40) + '\\n';
      }
      if (chunk) fs.writeSync(fd, chunk);
      if (n >= total) { clearInterval(timer); }
    }, 5);`;
  return spawn(process.execPath, ['-e', script, file], { stdio: 'ignore' });
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function App({ tail, metrics }: { tail: LogTail; metrics: MetricsCollector }) {
  return React.createElement(
    Box,
    { flexDirection: 'column', width: COLUMNS, height: ROWS, overflow: 'hidden' },
    React.createElement(LogPane, { tail, width: COLUMNS, height: 14, title: 'gpu-1 train01' }),
    React.createElement(LossChart, { metrics, width: COLUMNS, height: 11, isActive: false }),
  );
}

async function latencyBench(maxFps: number, samples: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-bench-'));
  const file = path.join(dir, 'train.log');
  fs.writeFileSync(file, '');
  const tail = new LogTail({ transport: new LocalTransport(), file, capacity: 10_000 });
  const metrics = new MetricsCollector();
  metrics.attach(tail);
  tail.start();
  const renderTimes: number[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  const stdout = new FakeTty();
  const stdin = fakeStdin();
  const ink = render(React.createElement(App, { tail, metrics }), {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: new FakeTty() as unknown as NodeJS.WriteStream,
    interactive: true,
    alternateScreen: true,
    incrementalRendering: true,
    maxFps,
    exitOnCtrlC: false,
    patchConsole: false,
    onRender: ({ renderTime }) => renderTimes.push(renderTime),
  });
  const seconds = samples * 0.2 + 10; // keys every 40-120 ms plus the Esc pauses, with room to spare
  const writer = startWriter(file, RATE, Math.ceil(seconds));
  await sleep(1500); // the tail is up to speed

  const letters = 'ABCDEFGHIJKLMNOPRSTUVWYZ';
  const latencies: number[] = [];
  const bytesBefore = stdout.bytes;
  loopDelay.enable();
  renderTimes.length = 0;
  const linesBefore = tail.store.getState().received;
  const t0 = performance.now();
  let pending: { letter: string; at: number; resolve: () => void } | null = null;
  stdout.onChunk = (chunk, at) => {
    if (pending && chunk.includes(pending.letter)) {
      latencies.push(at - pending.at);
      const p = pending;
      pending = null;
      p.resolve();
    }
  };
  while (latencies.length < samples) {
    stdin.write('/');
    await sleep(60);
    for (const letter of letters.slice(0, 20)) {
      if (latencies.length >= samples) break;
      await sleep(40 + Math.random() * 80); // land anywhere between the 100 ms flushes
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no frame with ${letter} within 2 s`)), 2000);
        pending = {
          letter,
          at: performance.now(),
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
        stdin.write(letter);
      });
    }
    stdin.write('\u001b'); // Esc: clears the prompt, so every letter is new on screen next round
    await sleep(100);
  }
  const elapsed = (performance.now() - t0) / 1000;
  const result = {
    maxFps,
    samples: latencies.length,
    linesPerSecond: Math.round((tail.store.getState().received - linesBefore) / elapsed),
    terminalBytesPerSecond: Math.round((stdout.bytes - bytesBefore) / elapsed),
    ...summarize(latencies),
    render: summarize(renderTimes),
    renders: renderTimes.length,
    loopDelayP99: Math.round(loopDelay.percentile(99) / 1e5) / 10,
    loopDelayMax: Math.round(loopDelay.max / 1e5) / 10,
  };
  loopDelay.disable();
  writer.kill();
  ink.unmount();
  tail.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

function summarize(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    p50: r(quantile(sorted, 0.5)),
    p95: r(quantile(sorted, 0.95)),
    p99: r(quantile(sorted, 0.99)),
    max: r(sorted.at(-1) ?? NaN),
  };
}

/** Runs in a fresh process: 1 M lines through the whole pipeline, then RSS. */
async function rssBench() {
  const lines = 1_000_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-bench-'));
  const file = path.join(dir, 'train.log');
  // Written by another process, so this one's memory is only the pipeline's: all at once, or
  // with RSS_RATE=10000 at that many lines/s while the tail follows (1 M lines then take 100 s).
  const rate = Number(process.env.RSS_RATE ?? 0);
  const gen = `const fs = require('fs'); const fd = fs.openSync(process.argv[1], 'w');
    for (let n = 0; n < ${lines}; n += 10000) { let chunk = '';
      for (let k = n; k < n + 10000; k++) chunk += 'step ' + k + ' loss ' + (2 / (1 + k / 20000)).toFixed(4) + ' lr 3.0e-04 | \\u001b[32mok\\u001b[0m ' + 'x'.repeat(k % 40) + '\\n';
      fs.writeSync(fd, chunk); }`;
  if (rate > 0) fs.writeFileSync(file, '');
  else await new Promise((r) => spawn(process.execPath, ['-e', gen, file], { stdio: 'inherit' }).once('exit', r));
  const rssStart = process.memoryUsage().rss;
  const tail = new LogTail({ transport: new LocalTransport(), file, initialBytes: null, capacity: 10_000 });
  const metrics = new MetricsCollector();
  metrics.attach(tail);
  const stdout = new FakeTty();
  const ink = render(React.createElement(App, { tail, metrics }), {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: fakeStdin() as unknown as NodeJS.ReadStream,
    stderr: new FakeTty() as unknown as NodeJS.WriteStream,
    interactive: true,
    alternateScreen: true,
    incrementalRendering: true,
    maxFps: 30,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const t0 = performance.now();
  tail.start();
  const writer = rate > 0 ? startWriter(file, rate, lines / rate) : null;
  while (tail.store.getState().received < lines) await sleep(50);
  writer?.kill();
  const seconds = (performance.now() - t0) / 1000;
  await sleep(300);
  const rss = process.memoryUsage().rss;
  const maxRss = process.resourceUsage().maxRSS * 1024;
  const heap = process.memoryUsage().heapUsed;
  const fileBytes = fs.statSync(file).size;
  ink.unmount();
  tail.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
  return {
    lines,
    fileMb: Math.round(fileBytes / 1048576),
    seconds: Math.round(seconds * 10) / 10,
    linesPerSecond: Math.round(lines / seconds),
    rssStartMb: mb(rssStart),
    rssAfterMb: mb(rss),
    peakRssMb: mb(maxRss),
    heapUsedMb: mb(heap),
    bufferLines: tail.lines.size,
    lossPoints: metrics.store.getState().series.loss?.points().length ?? 0,
  };
}

async function main() {
  if (process.argv.includes('--rss')) {
    process.stdout.write(JSON.stringify(await rssBench()) + '\n');
    process.exit(0);
  }
  const samples = Number(process.env.SAMPLES ?? 300);
  console.log(
    `machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, node ${process.version}\n`,
  );
  console.log(
    `### keypress → frame while tailing ${RATE} lines/s (LogPane + LossChart, ${COLUMNS}x${ROWS}, incremental rendering, ${samples} keys; target p99 < 50 ms)\n`,
  );
  console.log(
    '| Ink maxFps | p50 | p95 | p99 | max | tail lines/s | terminal KiB/s | Ink render p50 / p99 | event-loop delay p99 |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const maxFps of (process.env.MAX_FPS ?? '60,30,10').split(',').map(Number)) {
    const r = await latencyBench(maxFps, samples);
    console.log(
      `| ${maxFps} | ${r.p50} ms | ${r.p95} ms | ${r.p99} ms ${r.p99 < 50 ? '✓' : '✗'} | ${r.max} ms | ${r.linesPerSecond} | ${(r.terminalBytesPerSecond / 1024).toFixed(1)} | ` +
        `${r.render.p50} / ${r.render.p99} ms | ${r.loopDelayP99} ms |`,
    );
  }
  console.log(
    `\n### RSS after 1 M log lines through tail script + parser + ring + metrics + rendered panes (target < 150 MB)\n`,
  );
  console.log('| node flags | lines/s | RSS at start | RSS after | peak RSS | heap used |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  const here = fileURLToPath(import.meta.url);
  for (const flags of [[], ['--max-semi-space-size=8']]) {
    const child = spawn(process.execPath, [...flags, ...process.execArgv, here, '--rss'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await new Promise((r) => child.once('exit', r));
    const r = JSON.parse(/\{.*\}/.exec(out)![0]);
    console.log(
      `| ${flags.join(' ') || '(default)'} | ${r.linesPerSecond} | ${r.rssStartMb} MB | ${r.rssAfterMb} MB | ${r.peakRssMb} MB ${r.peakRssMb < 150 ? '✓' : '✗'} | ${r.heapUsedMb} MB |`,
    );
  }
  process.exit(0);
}

void main();
