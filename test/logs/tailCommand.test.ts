import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { commandLine } from '../../src/commands/value.js';
import { parseTailRecord, RECORD_END, tailCommand } from '../../src/logs/tailCommand.js';
import { lineEnds, runTail, sleep, tempDir, waitFor } from './helpers.js';

const running: { stop(): void }[] = [];
afterEach(() => {
  for (const r of running.splice(0)) r.stop();
});
function tail(...args: Parameters<typeof runTail>) {
  const t = runTail(...args);
  running.push(t);
  return t;
}

describe('tail records', () => {
  test('parses every kind and refuses records cut short', () => {
    expect(parseTailRecord(`L 42 step 1 loss 2.3${RECORD_END}`)).toEqual({
      kind: 'line',
      end: 42,
      text: 'step 1 loss 2.3',
    });
    expect(parseTailRecord(`L 7 ${RECORD_END}`)).toEqual({ kind: 'line', end: 7, text: '' });
    expect(parseTailRecord(`P 42  50%|███${RECORD_END}`)).toEqual({ kind: 'partial', start: 42, text: ' 50%|███' });
    expect(parseTailRecord(`F 1234 0 1 start${RECORD_END}`)).toEqual({
      kind: 'follow',
      inode: '1234',
      offset: 0,
      skipFirst: true,
      why: 'start',
    });
    expect(parseTailRecord(`M${RECORD_END}`)).toEqual({ kind: 'missing' });
    expect(parseTailRecord('L 42 step 1 lo')).toBeNull(); // the link dropped mid-record
    expect(parseTailRecord('L 4')).toBeNull();
    expect(parseTailRecord(`sh: awk: not found`)).toBeNull();
  });

  test('the command is one sh -c with every argument quoted by shJoin', () => {
    const cmd = commandLine(
      tailCommand(
        "/work/it's $HOME/`x`.log",
        { inode: '12', offset: 34, skipFirst: false },
        { initialBytes: null, lineCap: 100, pollSeconds: 0.25 },
      ),
    );
    expect(cmd.startsWith("sh -c 'TY_F=$1;")).toBe(true);
    expect(cmd).toContain(`'/work/it'\\''s $HOME/\`x\`.log' 12 34 0 -1 100 0.25`);
    expect(() =>
      tailCommand(
        '/x',
        { inode: '1; rm -rf /', offset: 0, skipFirst: false },
        { initialBytes: null, lineCap: 100, pollSeconds: 1 },
      ),
    ).toThrow();
  });
});

describe('the remote tail script (run here with sh and awk)', () => {
  test('complete lines carry the byte offset after their newline; the unterminated tail is a partial', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'train.log');
    // CRLF, multi-byte UTF-8, an empty line, invalid UTF-8: offsets must still be exact bytes.
    fs.writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('step 1 loss 2.4\r\nunicode 損失 ok\n\nbad utf8 '),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(' end\ntail without newline'),
      ]),
    );
    const buf = fs.readFileSync(file);
    const t = tail(file);
    await waitFor(() => t.records.some((r) => r.kind === 'partial'), 5000, 'partial');
    const lines = t.lines();
    expect(lines.map((l) => l.end)).toEqual(lineEnds(buf));
    expect(lines[0].text).toBe('step 1 loss 2.4');
    expect(lines[1].text).toBe('unicode 損失 ok');
    expect(lines[2].text).toBe('');
    expect(t.records.find((r) => r.kind === 'partial')).toMatchObject({
      start: lineEnds(buf).at(-1),
      text: 'tail without newline',
    });
    expect(t.records[0]).toMatchObject({
      kind: 'follow',
      offset: 0,
      why: 'start',
      inode: String(fs.statSync(file).ino),
    });
  });

  test('follows appends, including a line written in pieces, and a \\r progress bar', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'train.log');
    fs.writeFileSync(file, 'first\n');
    const t = tail(file);
    await waitFor(() => t.lines().length === 1);
    fs.appendFileSync(file, 'sec');
    await waitFor(() => t.records.some((r) => r.kind === 'partial' && r.text === 'sec'));
    fs.appendFileSync(file, 'ond\n 10%\r 50%\r');
    await waitFor(() => t.records.some((r) => r.kind === 'partial' && r.text === ' 50%'));
    fs.appendFileSync(file, '100%\ndone\n');
    await waitFor(() => t.lines().length === 4);
    expect(t.lines().map((l) => l.text)).toEqual(['first', 'second', '100%', 'done']);
    expect(t.lines().map((l) => l.end)).toEqual(lineEnds(fs.readFileSync(file)));
  });

  test('resuming from an offset after a complete line repeats nothing and skips nothing', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'train.log');
    fs.writeFileSync(file, 'a\nbb\nccc\n');
    const ino = String(fs.statSync(file).ino);
    fs.appendFileSync(file, 'dddd\neeeee\n');
    const t = tail(file, { inode: ino, offset: 9, skipFirst: false });
    await waitFor(() => t.lines().length === 2);
    expect(t.records[0]).toMatchObject({ kind: 'follow', why: 'resume', offset: 9 });
    expect(t.lines()).toEqual([
      { kind: 'line', end: 14, text: 'dddd' },
      { kind: 'line', end: 20, text: 'eeeee' },
    ]);
  });

  test('a fresh tail with initialBytes starts at a line start near the end', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'train.log');
    const lines = Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(3, '0')}`); // 9 bytes + newline each
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const t = tail(file, undefined, { initialBytes: 35 });
    await waitFor(() => t.lines().length >= 3);
    await sleep(150);
    // 35 bytes before the end cut "line 096" in half: it is skipped, 097..099 are shown whole.
    expect(t.lines().map((l) => l.text)).toEqual(['line 097', 'line 098', 'line 099']);
    const exact = tail(file, undefined, { initialBytes: 30 }); // exactly at the start of line 097
    await waitFor(() => exact.lines().length >= 3);
    await sleep(150);
    expect(exact.lines().map((l) => l.text)).toEqual(['line 097', 'line 098', 'line 099']);
  });

  test('rotation: the rest of the renamed file first, then the new file from its start', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'train.log');
    fs.writeFileSync(file, 'old 1\n');
    const t = tail(file, undefined, { pollSeconds: 0.3 });
    await waitFor(() => t.lines().length === 1);
    // Within one poll: the writer finishes the old file, it is renamed, a new one begins.
    fs.appendFileSync(file, 'old 2\nold 3 unterminated');
    fs.renameSync(file, `${file}.1`);
    fs.writeFileSync(file, 'new 1\nnew 2\n');
    await waitFor(() => t.lines().length === 5);
    expect(t.lines().map((l) => l.text)).toEqual(['old 1', 'old 2', 'old 3 unterminated', 'new 1', 'new 2']);
    const follow = t.records.filter((r) => r.kind === 'follow');
    expect(follow.map((f) => f.kind === 'follow' && f.why)).toEqual(['start', 'rotated']);
    expect(t.lines().at(-1)!.end).toBe(12);
  });

  test('a missing file is reported once and followed when it appears', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'later.log');
    const t = tail(file);
    await waitFor(() => t.records.some((r) => r.kind === 'missing'));
    await sleep(200);
    expect(t.records.filter((r) => r.kind === 'missing')).toHaveLength(1);
    fs.writeFileSync(file, 'hello\n');
    await waitFor(() => t.lines().length === 1);
    expect(t.lines()[0]).toEqual({ kind: 'line', end: 6, text: 'hello' });
  });

  test('truncation (copytruncate), and a rewrite in place that grows past the old offset', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'train.log');
    fs.writeFileSync(file, 'run 1 line 1\nrun 1 line 2\n');
    const t = tail(file, undefined, { pollSeconds: 0.3 });
    await waitFor(() => t.lines().length === 2);
    fs.truncateSync(file, 0);
    await waitFor(() => t.records.some((r) => r.kind === 'follow' && r.why === 'truncated'));
    fs.appendFileSync(file, 'after truncate\n');
    await waitFor(() => t.lines().length === 3);
    // A restart that truncates with '>' and writes more than before, all within one poll.
    fs.writeFileSync(file, 'run 2 writes a much longer first line than before\n');
    await waitFor(() => t.lines().length === 4);
    expect(t.lines().map((l) => l.text)).toEqual([
      'run 1 line 1',
      'run 1 line 2',
      'after truncate',
      'run 2 writes a much longer first line than before',
    ]);
    expect(t.records.filter((r) => r.kind === 'follow' && r.why === 'truncated')).toHaveLength(2);
  });

  test('file names with spaces, quotes, $ and a leading dash are followed literally', async () => {
    const dir = tempDir();
    const file = path.join(dir, "-it's a $HOME `log`.txt");
    fs.writeFileSync(file, 'ok\n');
    const t = tail(file);
    await waitFor(() => t.lines().length === 1);
    expect(t.lines()[0].text).toBe('ok');
    expect(t.stderr).toEqual([]);
  });

  test('a huge line is cut to lineCap for display but its bytes are all counted', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'train.log');
    fs.writeFileSync(file, 'x'.repeat(200_000) + '\nnext\n');
    const t = tail(file, undefined, { lineCap: 100 });
    await waitFor(() => t.lines().length === 2);
    expect(t.lines()[0]).toEqual({ kind: 'line', end: 200_001, text: 'x'.repeat(100) });
    expect(t.lines()[1]).toEqual({ kind: 'line', end: 200_006, text: 'next' });
  });

  test('a server whose stat has no -c (BSD) gets a clear error, not an endless "waiting for the file"', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'train.log');
    fs.writeFileSync(file, 'x\n');
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'stat'), '#!/bin/sh\necho "stat: illegal option -- c" >&2; exit 1\n', {
      mode: 0o755,
    });
    const t = tail(file, undefined, {}, { ...process.env, PATH: `${bin}:${process.env.PATH}` });
    const result = await t.handle.done;
    expect(result.code).toBe(3);
    expect(t.records).toEqual([{ kind: 'error', message: expect.stringMatching(/stat -L -c does not work/) }]);
  });

  test('a progress bar that grows for a long time without a newline is sent as its last segment only', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'train.log');
    fs.writeFileSync(file, '');
    const t = tail(file);
    let bar = '';
    for (let i = 0; i <= 100; i++) bar += `\rtrain ${i}%|${'#'.repeat(i >> 2)}`;
    fs.appendFileSync(file, bar);
    await waitFor(() => t.records.some((r) => r.kind === 'partial' && r.text.startsWith('train 100%')));
    for (const r of t.raw) expect(r.length).toBeLessThan(200);
    fs.appendFileSync(file, '\n');
    await waitFor(() => t.lines().length === 1);
    expect(t.lines()[0].text).toBe(`train 100%|${'#'.repeat(25)}`);
    expect(t.lines()[0].end).toBe(Buffer.byteLength(bar) + 1);
  });
});
