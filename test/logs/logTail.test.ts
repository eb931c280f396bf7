import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { afterEach, describe, expect, test } from 'vitest';
import { commandLine } from '../../src/commands/value.js';
import { LogTail, type LogTailState } from '../../src/logs/logTail.js';
import { MetricsCollector } from '../../src/logs/metrics.js';
import { RECORD_END } from '../../src/logs/tailCommand.js';
import { MARKER_PREFIX } from '../../src/text/sanitise.js';
import { LocalTransport } from '../../src/transport/local.js';
import { ScriptedTransport } from '../support/scriptedTransport.js';
import { FlakyTransport, sleep, tempDir, waitFor } from './helpers.js';

const tails: LogTail[] = [];
afterEach(() => {
  for (const t of tails.splice(0)) t.stop();
});
function track(t: LogTail): LogTail {
  tails.push(t);
  return t;
}

describe('LogTail', () => {
  test('lines reach the ring buffer and the store in batches, at most every flushMs', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'train.log');
    fs.writeFileSync(file, '');
    const tail = track(new LogTail({ transport: new LocalTransport(), file, pollSeconds: 0.05, flushMs: 100 }));
    const updates: number[] = [];
    tail.store.subscribe(() => updates.push(performance.now()));
    const batches: number[] = [];
    tail.onLines((b) => batches.push(b.length));
    tail.start();
    await waitFor(() => tail.store.getState().status === 'following');
    for (let i = 0; i < 20; i++) {
      fs.appendFileSync(file, Array.from({ length: 100 }, (_, k) => `line ${i * 100 + k}\n`).join(''));
      await sleep(20);
    }
    await waitFor(() => tail.store.getState().received === 2000, 5000, '2000 lines');
    const all = tail.lines.slice(0, 2000);
    expect(all).toEqual(Array.from({ length: 2000 }, (_, i) => `line ${i}`));
    const gaps = updates.slice(1).map((t, i) => t - updates[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(90);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(2000);
    expect(batches.length).toBeLessThan(20); // batched, not line by line
  });

  test('resumes after each dropped link from the last complete line: every line once, in order', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'train.log');
    fs.writeFileSync(file, '');
    const link = new FlakyTransport();
    const tail = track(new LogTail({ transport: link, link, file, pollSeconds: 0.05, flushMs: 20 }));
    const seen: string[] = [];
    tail.onLines((b) => seen.push(...b));
    tail.start();
    let n = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        // Some lines arrive in two writes, so cuts also land inside a line.
        fs.appendFileSync(file, `line ${n} part`);
        await sleep(3);
        fs.appendFileSync(file, `ial\nline ${n + 1}\n`);
        n += 2;
        await sleep(5);
      }
    })();
    for (let cut = 0; cut < 4; cut++) {
      await sleep(300);
      link.linkDown();
      expect(tail.store.getState().status).not.toBe('error');
      await sleep(200);
      link.linkUp();
    }
    await sleep(300);
    writing = false;
    await writer;
    await waitFor(() => seen.length === n, 5000, `${n} lines`);
    await sleep(200);
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => (i % 2 ? `line ${i}` : `line ${i} partial`)));
    expect(tail.store.getState().resumes).toBe(4);
    expect(link.streams).toBe(5);
  });

  test('rotation shows a marker line in the pane but not in the lines handed to listeners', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'train.log');
    fs.writeFileSync(file, 'a\n');
    const tail = track(new LogTail({ transport: new LocalTransport(), file, pollSeconds: 0.05, flushMs: 20 }));
    const seen: string[] = [];
    tail.onLines((b) => seen.push(...b));
    tail.start();
    await waitFor(() => seen.length === 1);
    fs.renameSync(file, `${file}.1`);
    fs.writeFileSync(file, 'b\n');
    await waitFor(() => seen.length === 2);
    expect(seen).toEqual(['a', 'b']);
    const ring = tail.lines.slice(0, 10);
    expect(ring).toHaveLength(3);
    expect(ring[1].startsWith(MARKER_PREFIX)).toBe(true);
    expect(ring[1]).toContain('rotated');
  });

  test('a command that cannot run is an error in the store, retried with back-off, never a crash', async () => {
    const transport = new ScriptedTransport();
    const first = transport.expectStream('trainyard-tail', { live: true });
    const retry = transport.expectStream('trainyard-tail', { live: true });
    const tail = track(new LogTail({ transport, file: '/x.log', maxRetryMs: 400 }));
    tail.start();
    first.end({ stderr: 'sh: 1: awk: not found', code: 127 });
    await waitFor(() => tail.store.getState().status === 'error');
    expect(tail.store.getState().error).toContain('awk: not found');
    await waitFor(() => transport.remaining === 0, 2000, 'a retry');
    await retry.opened;
    transport.verify();
  });

  test('a line cut short by a dropped link is not shown; it comes whole after the resume', async () => {
    const transport = new ScriptedTransport();
    const first = transport.expectStream('trainyard-tail', { live: true });
    // the resume asks for inode 77 from byte 6: the end of the last whole record
    const resumed = transport.expectStream((c) => / 77 6 0 /.test(commandLine(c)), { live: true });
    const tail = track(new LogTail({ transport, file: '/x.log', flushMs: 5, maxRetryMs: 100 }));
    tail.start();
    first.line(`F 77 0 0 start${RECORD_END}`);
    first.line(`L 6 first${RECORD_END}`);
    first.line('L 13 seco'); // LineSplitter flushes the unfinished record when the channel closes
    first.end({ code: null, signal: 'disconnected' });
    await resumed.opened;
    resumed.line(`F 77 6 0 resume${RECORD_END}`);
    resumed.line(`L 13 second${RECORD_END}`);
    await waitFor(() => tail.lines.size === 2);
    expect(tail.lines.slice(0, 5)).toEqual(['first', 'second']);
    transport.verify();
  });

  test('memory stays bounded: 1 M lines at 10 000 lines/s keep the buffer at its cap and the heap flat', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const transport = new ScriptedTransport();
    const stream = transport.expectStream('trainyard-tail', { live: true });
    const capacity = 5000;
    const tail = track(new LogTail({ transport, file: '/x.log', capacity, flushMs: 100 }));
    const metrics = new MetricsCollector(null, { publishMs: 100 });
    metrics.attach(tail);
    tail.start();
    stream.line(`F 1 0 0 start${RECORD_END}`);
    let offset = 0;
    let states = 0;
    tail.store.subscribe(() => states++);
    const feed = async (count: number, from: number) => {
      // 10 000 lines per simulated second: 1 000 per 100 ms tick (the flush period).
      for (let i = from; i < from + count; i += 1000) {
        for (let k = i; k < i + 1000; k++) {
          const text = `step ${k} loss ${(2 / (1 + k / 1000)).toFixed(4)} lr 3.0e-04 | \u001b[32mok\u001b[0m ${'x'.repeat(k % 60)}`;
          offset += text.length + 1;
          stream.line(`L ${offset} ${text}${RECORD_END}`);
        }
        await new Promise((r) => setImmediate(r));
      }
      tail.flush();
      metrics.flush();
    };
    await feed(100_000, 0); // warm up: buffer full, JIT done
    gc();
    const before = process.memoryUsage().heapUsed;
    await feed(900_000, 100_000);
    gc();
    const after = process.memoryUsage().heapUsed;
    const s = tail.store.getState();
    expect(s.received).toBe(1_000_000);
    expect(tail.lines.size).toBe(capacity);
    expect(tail.lines.get(999_999)).toMatch(/^step 999999 loss/);
    expect(metrics.store.getState().series.loss.count).toBe(1_000_000);
    expect(metrics.store.getState().series.loss.points().length).toBeLessThanOrEqual(1024);
    const growthMb = (after - before) / 1048576;
    console.log(`heap growth over 900k lines: ${growthMb.toFixed(2)} MB (states published: ${states})`);
    expect(growthMb).toBeLessThan(10);
  }, 60_000);

  test('keeps up with a real 10 000 lines/s writer (local transport), buffer capped', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'fast.log');
    fs.writeFileSync(file, '');
    const capacity = 2000;
    const tail = track(new LogTail({ transport: new LocalTransport(), file, capacity }));
    let count = 0;
    let inOrder = true;
    tail.onLines((b) => {
      for (const l of b) {
        if (l !== `fast line ${count} ${'y'.repeat(40)}`) inOrder = false;
        count++;
      }
    });
    let maxSize = 0;
    tail.store.subscribe(() => (maxSize = Math.max(maxSize, tail.lines.size)));
    tail.start();
    await waitFor(() => tail.store.getState().status === 'following');
    const seconds = 3;
    const script = `
      const fs = require('fs'); const fd = fs.openSync(process.argv[1], 'a'); let n = 0; const t0 = Date.now();
      const timer = setInterval(() => {
        const due = Math.min(${seconds * 10_000}, Math.floor((Date.now() - t0) / 1000 * 10000));
        let chunk = ''; for (; n < due; n++) chunk += 'fast line ' + n + ' ' + 'y'.repeat(40) + '\\n';
        if (chunk) fs.writeSync(fd, chunk);
        if (n >= ${seconds * 10_000}) clearInterval(timer);
      }, 10);`;
    const child = spawn(process.execPath, ['-e', script, file], { stdio: 'ignore' });
    await new Promise((r) => child.once('exit', r));
    await waitFor(() => count === seconds * 10_000, 10_000, 'all lines');
    expect(inOrder).toBe(true);
    expect(maxSize).toBeLessThanOrEqual(capacity);
    expect(tail.lines.size).toBe(capacity);
  }, 30_000);
});

export type { LogTailState };
