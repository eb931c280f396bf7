/** Pure parsers against real captured output: rsync progress/itemize/stats, training logs (test/fixtures/logs), the host probe. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  describeRsyncExit,
  formatBytes,
  parseItemizeLine,
  parseProgressLine,
  parseStats,
  rsyncNameBytes,
} from '../../src/actions/parsers/rsync.js';
import { lossTrend, readLog, smokeVerdict } from '../../src/actions/parsers/trainLog.js';
import { parseCheckpointList } from '../../src/actions/restart.js';
import { resolveRemoteDir } from '../../src/backends/runBackend.js';
import { parseHostProbe } from '../../src/backends/tmux/tmuxBackend.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/logs');

/** A captured log: its lines, and the exit code the capture recorded on its last line ("exit=N"). */
function capture(name: string): { lines: string[]; code: number } {
  const lines = readFileSync(path.join(fixtures, name), 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  const last = /^exit=(\d+)$/.exec(lines[lines.length - 1] ?? '');
  return { lines: last ? lines.slice(0, -1) : lines, code: last ? Number(last[1]) : 0 };
}

describe('rsync output', () => {
  // captured from rsync 3.2/3.5 with --info=progress2 (split on \r and \n)
  it('reads progress2 updates', () => {
    expect(parseProgressLine('         32,768   0%    0.00kB/s    0:00:00  ')).toEqual({
      bytes: 32768,
      fraction: 0,
      rate: '0.00kB/s',
      eta: '0:00:00',
      toCheck: null,
    });
    expect(parseProgressLine('        200,000   3%  159.48MB/s    0:00:00 (xfr#1, to-chk=31/33)')).toEqual({
      bytes: 200000,
      fraction: 0.03,
      rate: '159.48MB/s',
      eta: '0:00:00',
      toCheck: { left: 31, total: 33 },
    });
    expect(parseProgressLine('  1,234,567,890 100%   45.10MB/s    0:00:26 (xfr#120, ir-chk=1000/1121)')?.fraction).toBe(
      1,
    );
    expect(parseProgressLine('sent 510 bytes  received 55 bytes  1,130.00 bytes/sec')).toBeNull();
    expect(parseProgressLine('>f+++++++++ train.py')).toBeNull();
  });

  it('reads itemized changes, deletions included', () => {
    expect(parseItemizeLine('*deleting   olddir/y')).toEqual({
      code: '*deleting',
      path: 'olddir/y',
      kind: 'deleted',
      isDir: false,
    });
    expect(parseItemizeLine('*deleting   old dir/')).toMatchObject({ path: 'old dir/', isDir: true });
    // rsync's octal escapes map back to the exact bytes of the name; a literal "\#" arrives as \#134#
    expect(rsyncNameBytes('nl\\#012name')).toEqual(Buffer.from('nl\nname'));
    expect(rsyncNameBytes('r\\#303\\#251sum\\#303\\#251')).toEqual(Buffer.from('résumé'));
    expect(rsyncNameBytes('bad\\#377')).toEqual(Buffer.from([0x62, 0x61, 0x64, 0xff]));
    expect(rsyncNameBytes('x\\#134#101y')).toEqual(Buffer.from('x\\#101y'));
    expect(rsyncNameBytes('plain é')).toEqual(Buffer.from('plain é'));
    expect(parseItemizeLine('>f+++++++++ outputs/metrics.jsonl')).toMatchObject({
      kind: 'created',
      path: 'outputs/metrics.jsonl',
      isDir: false,
    });
    expect(parseItemizeLine('>f.st...... final.json')).toMatchObject({ kind: 'updated' });
    expect(parseItemizeLine('cd+++++++++ sub/')).toMatchObject({ kind: 'created', isDir: true });
    expect(parseItemizeLine('Number of files: 33')).toBeNull();
  });

  it('reads --stats', () => {
    const text = `Number of files: 33 (reg: 31, dir: 2)\nNumber of created files: 0\nNumber of deleted files: 3 (reg: 2, dir: 1)\nNumber of regular files transferred: 4\nTotal file size: 6,000,003 bytes\nTotal transferred file size: 1,024 bytes\nTotal bytes sent: 510\nTotal bytes received: 55\n`;
    expect(parseStats(text)).toEqual({
      files: 33,
      createdFiles: 0,
      deletedFiles: 3,
      transferredFiles: 4,
      totalSize: 6000003,
      transferredSize: 1024,
      bytesSent: 510,
      bytesReceived: 55,
    });
    expect(describeRsyncExit(255)).toContain('ssh failed');
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
});

describe('training logs (real captures)', () => {
  it('cuda-oom.log: CUDA out of memory, with the exception named', () => {
    const { lines, code } = capture('cuda-oom.log');
    const f = readLog(lines);
    expect(f.cudaOom).toMatch(/^torch\.OutOfMemoryError: CUDA out of memory\. Tried to allocate 186\.27 GiB/);
    expect(f.exception).toMatch(/^torch\.OutOfMemoryError: /);
    const v = smokeVerdict(f, { code, seconds: 3 });
    expect(v).toMatchObject({ ok: false, cause: 'cuda-oom' });
    expect(v.hint).toContain('reduce the batch size');
  });

  it('loss-inf.log: an inf loss fails the run even though it exited 0', () => {
    const { lines, code } = capture('loss-inf.log');
    expect(code).toBe(0);
    const v = smokeVerdict(readLog(lines), { code, seconds: 2 });
    expect(v).toMatchObject({ ok: false, cause: 'nan-loss', summary: 'loss became inf (output line 1)' });
    expect(v.loss.trend).toBe('unknown');
  });

  it('train-loss-decreasing.log: passes, and the loss went down', () => {
    const { lines, code } = capture('train-loss-decreasing.log');
    const f = readLog(lines);
    expect(f.losses.length).toBe(lines.filter((l) => l.startsWith('step ')).length);
    const v = smokeVerdict(f, { code, seconds: 30 });
    expect(v).toMatchObject({ ok: true, cause: 'passed' });
    expect(v.loss).toMatchObject({ trend: 'down', first: 2.4505 });
    expect(v.details[0]).toMatch(/^loss went down: 2\.450 → 0 over 761 values$/);
  });

  it('loss patterns: loss=, loss:, nan, scientific; not val_loss', () => {
    const f = readLog([
      'epoch 1 loss=1.5e-1',
      'train/loss: 0.12',
      'val_loss 9.0',
      'Loss: NaN',
      'step 5 | loss 0.1 | acc 0.9',
    ]);
    // the training loss only (val_loss is a metric of its own), as the chart reads it
    expect(f.losses.map((l) => l.value)).toEqual([0.15, 0.12, NaN, 0.1]);
    expect(f.badLoss?.text).toBe('NaN');
    expect(readLog(['acc=0.9 custom_metric 3.2'], String.raw`custom_metric (?<loss>[\d.]+)`).losses[0].value).toBe(3.2);
  });

  it('a loss that does not go down is said, the run still passes', () => {
    const f = readLog(['loss 1.0', 'loss 1.1', 'loss 1.2', 'loss 1.3', 'loss 1.4']);
    expect(lossTrend(f.losses).trend).toBe('not-down');
    expect(smokeVerdict(f, { code: 0, seconds: 1 })).toMatchObject({
      ok: true,
      summary: 'passed, but the loss did not go down',
    });
  });

  it('other endings: traceback, exit code, time limit, hang, cancel', () => {
    const tb = readLog([
      'Traceback (most recent call last):',
      '  File "t.py", line 1, in <module>',
      '    import nope',
      "ModuleNotFoundError: No module named 'nope'",
    ]);
    expect(smokeVerdict(tb, { code: 1, seconds: 1 }).summary).toBe(
      "Python error: ModuleNotFoundError: No module named 'nope'",
    );
    expect(smokeVerdict(readLog(['hi']), { code: 127, seconds: 1 })).toMatchObject({
      cause: 'exit-code',
      hint: 'a command was not found on the host (python? conda?)',
    });
    expect(
      smokeVerdict(readLog(['loss 2', 'loss 1']), { code: null, timedOut: true, seconds: 30, limitSeconds: 30 }),
    ).toMatchObject({ ok: true, cause: 'time-limit' });
    expect(
      smokeVerdict(readLog(['loading data']), { code: null, timedOut: true, seconds: 30, limitSeconds: 30 }),
    ).toMatchObject({ ok: false, cause: 'timeout' });
    expect(smokeVerdict(readLog([]), { code: null, cancelled: true, seconds: 1 })).toMatchObject({
      ok: false,
      cause: 'cancelled',
    });
  });
});

describe('host probe', () => {
  const FMT = (name: string, dead: string, status = '') => `1700000000:0:1:${dead}:${status}:::${name}`;

  it('reads $HOME, the directory, sessions and manifests with their markers', () => {
    const m1 = JSON.stringify({ session: 'a b', project: 'p', remoteDir: '/h/w', command: 'c' });
    const m2 = JSON.stringify({ session: 'old', project: 'p', remoteDir: '/h/w', command: 'c' });
    const m3 = JSON.stringify({ session: 'stopped1', project: 'p', remoteDir: '/h/w', command: 'c' });
    const out = [
      '@@home /h',
      '@@direxists 1',
      '@@now 1700000100',
      '@@tmux',
      FMT('a b', '0'),
      FMT('stopped1', '1'),
      '@@/tmux 0',
      '@@manifest',
      m1,
      '@@manifest exit=1',
      m2,
      '@@manifest exit=130 stopped',
      m3,
      '@@manifest',
      '{broken',
      '@@end',
      '',
    ].join('\n');
    const snap = parseHostProbe(out, 'w');
    expect(snap).toMatchObject({
      home: '/h',
      remoteDir: '/h/w',
      remoteDirExists: true,
      now: 1700000100,
      backendError: null,
    });
    expect(snap.takenNames).toEqual(['a b', 'stopped1']);
    expect(snap.runs.map((r) => [r.id, r.state, r.exitCode])).toEqual([
      ['a b', 'running', null],
      ['old', 'exited', 1],
      ['stopped1', 'stopped', 130],
    ]);
  });

  it('no tmux server is an empty list; no tmux is an error', () => {
    expect(
      parseHostProbe(
        '@@home /h\n@@direxists 0\n@@now 1\n@@tmux\nno server running on /tmp/tmux-1/default\n@@/tmux 1\n@@end\n',
        '/x',
      ),
    ).toMatchObject({ takenNames: [], backendError: null, remoteDirExists: false, remoteDir: '/x' });
    expect(
      parseHostProbe(
        '@@home /h\n@@direxists 0\n@@now 1\n@@tmux\nbash: tmux: command not found\n@@/tmux 127\n@@end\n',
        '/x',
      ).backendError,
    ).toBe('tmux is not installed on this host');
  });

  it('server text inside the tmux section cannot forge fields or manifests', () => {
    const forged = [
      '@@home /h',
      '@@direxists 0',
      '@@now 1',
      '@@tmux',
      'tmux: @@home /evil',
      '@@direxists 1',
      '@@manifest',
      '{"session":"forged","project":"p"}',
      '@@/tmux 0',
      '@@/tmux 1',
      '@@end',
    ].join('\n');
    const snap = parseHostProbe(forged, '/x');
    expect(snap).toMatchObject({
      home: '/h',
      remoteDirExists: false,
      runs: [],
      backendError: 'tmux: tmux: @@home /evil',
    });
  });

  it('resolves the remote directory like the probe script does', () => {
    expect(resolveRemoteDir('~', '/h')).toBe('/h');
    expect(resolveRemoteDir('~/w/p/', '/h')).toBe('/h/w/p');
    expect(resolveRemoteDir('/abs', '/h')).toBe('/abs');
    expect(resolveRemoteDir('rel', '/h')).toBe('/h/rel');
  });

  it('reads the checkpoint list (NUL-separated, any name)', () => {
    expect(parseCheckpointList('1700\toutputs/checkpoint-5\u00001800\toutputs/checkpoint-1\n0\tx\u0000')).toEqual([
      { mtime: 1700, path: 'outputs/checkpoint-5' },
      { mtime: 1800, path: 'outputs/checkpoint-1\n0\tx' },
    ]);
  });
});
