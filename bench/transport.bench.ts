/**
 * Transport benchmarks (node --import tsx bench/transport.bench.ts [N]), against a real sshd host:
 *
 *  1. The line splitter on 3 MB of tqdm \r updates (no newline until the end) and on one 10 MiB
 *     line: throughput in memory, with the splitter of the previous release (re-splitting its
 *     whole unfinished tail on every chunk) on a 300 KB slice for comparison.
 *  2. The same 3 MB streamed from the host over the held connection into the splitter (lines +
 *     progress), beside a plain `ssh -F cfg host cat FILE > /dev/null` of the same output.
 *  3. What the login-shell-proof command line costs per exec: `true` over the held connection,
 *     as trainyard sends it (octal escapes through sh's printf) and as the plain line.
 * Prints a markdown table (medians of N, default 9).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ClientChannel } from 'ssh2';
import { argvCommand } from '../src/commands/value.js';
import { LineSplitter } from '../src/transport/lineSplitter.js';
import { connect, labConfig } from '../test/actions/helpers.js';
import { startTestHosts } from '../test/harness/testHosts.js';

const run = promisify(execFile);
const N = Number(process.argv[2] ?? 9);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
async function time(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}
const MB = 1e6;

/** The splitter as it was: each chunk re-split together with the whole unfinished tail. */
class PreviousSplitter {
  private tail = '';
  constructor(private readonly onLine: (l: string) => void) {}
  push(chunk: string): void {
    const parts = (this.tail + chunk).split(/\r?\n/);
    this.tail = parts.pop() ?? '';
    for (const p of parts) this.onLine(p);
  }
}

/** tqdm's updates, one write each (as a slow training loop delivers them), then the final newline. */
function tqdmUpdates(bytes: number): string[] {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const s = `\r${String(i % 100).padStart(3)}%|${'#'.repeat(i % 40).padEnd(40)}| ${i}/100000 [00:10<00:20, 9000.00it/s]`;
    parts.push(s);
    size += s.length;
  }
  parts.push('\n');
  return parts;
}
const chunked = (text: string, size = 32 * 1024) =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

const rows: string[][] = [];
const tqdmChunks = tqdmUpdates(3 * MB);
const tqdm = tqdmChunks.join('');
const longLine = chunked('x'.repeat(10 * 1024 * 1024) + '\n');

const splitRun = (chunks: string[]) => () => {
  let lines = 0;
  let progress = 0;
  const s = new LineSplitter(() => lines++, false, { onProgress: () => progress++ });
  for (const c of chunks) s.push(c);
  s.end();
};
const splitMs = median(await Promise.all(Array.from({ length: N }, () => time(splitRun(tqdmChunks)))));
rows.push([
  `splitter, 3 MB of tqdm \\r updates, one chunk per update (${tqdmChunks.length} chunks, in memory)`,
  `${splitMs.toFixed(1)} ms`,
  `${(tqdm.length / MB / (splitMs / 1000)).toFixed(0)} MB/s`,
]);
const longMs = median(await Promise.all(Array.from({ length: N }, () => time(splitRun(longLine)))));
rows.push([
  'splitter, one 10 MiB line without newline (cut at 64 Ki characters)',
  `${longMs.toFixed(1)} ms`,
  `${(10.49 / (longMs / 1000)).toFixed(0)} MB/s`,
]);
const slice = tqdmChunks.slice(0, 4000);
const prevMs = await time(() => {
  const s = new PreviousSplitter(() => {});
  for (const c of slice) s.push(c);
});
const sliceBytes = slice.join('').length;
rows.push([
  `previous splitter, the first ${(sliceBytes / 1000).toFixed(0)} KB of the same (quadratic)`,
  `${prevMs.toFixed(0)} ms`,
  `${(sliceBytes / MB / (prevMs / 1000)).toFixed(2)} MB/s; ×${((tqdm.length / sliceBytes) ** 2).toFixed(0)} for all 3 MB ≈ ${((prevMs * (tqdm.length / sliceBytes) ** 2) / 1000).toFixed(0)} s`,
]);

const lab = await startTestHosts({ count: 1 });
const h = lab.hosts[0];
try {
  const conn = await connect(labConfig(lab, {}), h.alias);
  await h.run(`cat > tqdm.txt`, { input: tqdm });
  const ssh = (cmd: string) =>
    run('ssh', ['-F', lab.sshConfigPath, h.alias, cmd], { maxBuffer: 64 * 1024 * 1024, encoding: 'buffer' });
  const streamed: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < N; i++) {
    plain.push(await time(() => ssh('cat tqdm.txt')));
    streamed.push(
      await time(async () => {
        let lines = 0;
        await conn.stream(argvCommand(['cat', 'tqdm.txt']), { onLine: () => lines++, onProgress: () => {} }).done;
        if (lines !== 1) throw new Error(`expected 1 line, got ${lines}`);
      }),
    );
  }
  rows.push([
    '3 MB of tqdm output streamed over the held connection into the splitter',
    `${median(streamed).toFixed(0)} ms`,
    `${(tqdm.length / MB / (median(streamed) / 1000)).toFixed(0)} MB/s`,
  ]);
  rows.push([
    'the same output: `ssh -F cfg host cat FILE > /dev/null` (fresh ssh each time)',
    `${median(plain).toFixed(0)} ms`,
    `${(tqdm.length / MB / (median(plain) / 1000)).toFixed(0)} MB/s`,
  ]);

  // per-exec cost of the base64 wrapper: trainyard's exec vs the plain line on a raw channel
  const raw = (conn as unknown as { openChannel(line: string): Promise<ClientChannel> }).openChannel.bind(conn);
  const wrapped: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < N * 5; i++) {
    wrapped.push(await time(() => conn.exec(argvCommand(['true']))));
    bare.push(
      await time(
        async () =>
          new Promise<void>(
            (resolve) =>
              void raw('true').then((ch) => {
                ch.on('data', () => {});
                ch.once('close', () => resolve());
                ch.end();
              }),
          ),
      ),
    );
  }
  rows.push([
    `exec \`true\` over the held connection, as sent: sh -c 'eval "$(printf "…")"'`,
    `${median(wrapped).toFixed(1)} ms`,
    `+${(median(wrapped) - median(bare)).toFixed(1)} ms per exec`,
  ]);
  rows.push(['exec `true` over the held connection, the plain line', `${median(bare).toFixed(1)} ms`, '']);
  conn.close();
} finally {
  await lab.stop();
}
console.log(
  `\n| measure (median of ${N}; sshd in a network namespace on this machine) | time | rate / note |\n| --- | ---: | --- |`,
);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
process.exit(0);
