/**
 * The watchdog's log scanner, the awk program its loop runs on the bytes a log grew by (run here
 * from the assembled script): CUDA and HIP out of memory, tracebacks, diverged losses, NCCL
 * timeouts, and only whole lines read.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembledWatchdogScript } from './awkHarness.js';

const SCRIPT = assembledWatchdogScript();
const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'logs', name), 'utf8');

/** The watchdog's log scanner (the awk program the loop runs on the bytes a log grew by). */
function scan(text: string, final = true): Record<string, string> {
  const out = execFileSync('sh', [SCRIPT, 'scan', final ? '1' : '0', String(Buffer.byteLength(text))], {
    input: text,
    encoding: 'utf8',
  });
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]),
  );
}

describe('the log scanner', () => {
  it('finds the CUDA OOM and its traceback in the real log', () => {
    const text = fixture('cuda-oom.log');
    const r = scan(text);
    expect(r.oom).toMatch(/^torch\.OutOfMemoryError: CUDA out of memory\. Tried to allocate 186\.27 GiB/);
    expect(r.traceback).toBe(r.oom);
    expect(r.error).toBe(r.oom);
    expect(r.diverged).toBeUndefined();
    expect(Number(r.consumed)).toBe(Buffer.byteLength(text));
  });

  it('finds out of memory on AMD GPUs (HIP) too, as the smoke verdict does (one grammar)', () => {
    const line =
      'torch.OutOfMemoryError: HIP out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 191.98 GiB';
    expect(scan(`${line}\n`).oom).toBe(line);
  });

  it('finds the inf loss in the real log, and nothing in a healthy one', () => {
    expect(scan(fixture('loss-inf.log'))).toEqual({
      diverged: 'step 1 loss inf',
      consumed: String(Buffer.byteLength(fixture('loss-inf.log'))),
    });
    expect(Object.keys(scan(fixture('train-loss-decreasing.log')))).toEqual(['consumed']);
  });

  it('knows the other ways a loss diverges, and what is not a divergence', () => {
    for (const line of [
      "{'loss': nan, 'grad_norm': 1.2, 'epoch': 0.5}",
      'train_loss=NaN',
      'loss is nan, stopping',
      'val loss: -inf',
      'Loss: Infinity',
    ])
      expect(scan(`${line}\n`).diverged, line).toBe(line);
    for (const line of [
      'loss: 0.5 | grad_norm: nan',
      'loss information printed every 10 steps',
      'nan loss handling enabled=False',
    ])
      expect(scan(`${line}\n`).diverged, line).toBeUndefined();
  });

  it("finds PyTorch's NCCL watchdog timeout, also behind torchrun's rank prefixes", () => {
    const log = [
      '[rank1]:[E1123 03:12:44.123456 ProcessGroupNCCL.cpp:616] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=4021, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600018 milliseconds before timing out.',
      '[rank1]: Traceback (most recent call last):',
      '[rank1]:   File "train.py", line 88, in <module>',
      '[rank1]:     dist.all_reduce(t)',
      '[rank1]: torch.distributed.DistBackendError: NCCL communicator was aborted on rank 1.',
      'NCCL_TIMEOUT=1800 set from the environment',
    ].join('\n');
    const r = scan(log + '\n');
    expect(r['nccl-timeout']).toMatch(/^\[E1123 .*Watchdog caught collective operation timeout/);
    expect(r.traceback).toBe('torch.distributed.DistBackendError: NCCL communicator was aborted on rank 1.');
  });

  it('leaves a traceback without its exception line for the next scan, unless the log is final', () => {
    const head = 'step 1 loss 2.0\n';
    const partial = `${head}Traceback (most recent call last):\n  File "train.py", line 3, in <module>\n`;
    expect(scan(partial, false)).toEqual({ consumed: String(head.length) });
    expect(scan(partial, true).traceback).toBe('Traceback (most recent call last)');
  });

  it('reads only whole lines: an unfinished last line is left for later', () => {
    expect(scan('step 1 loss 2.0\nstep 2 lo').consumed).toBe('16');
  });
});
