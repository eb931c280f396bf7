/** explain_failure's log reading: which line failed, the window around it, the cap, the byte offsets. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { failureLines } from '../../src/mcp/failure.js';

const fixture = (name: string) =>
  readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'logs', name), 'utf8')
    .replace(/\n$/, '')
    .split('\n');
const opts = { context: 3, capBytes: 8192 };

describe('failureLines', () => {
  it('finds a real CUDA OOM and returns its whole traceback, with byte offsets into the log', () => {
    const lines = fixture('cuda-oom.log');
    const base = 1000;
    const f = failureLines(lines, base, opts);
    expect(f.kind).toBe('cuda-oom');
    expect(f.line).toMatch(/^torch\.OutOfMemoryError: CUDA out of memory/);
    expect(f.excerpt[0]).toBe('step 1 loss 2.3010'); // context before the traceback
    expect(f.excerpt).toContain('Traceback (most recent call last):');
    const text = `${lines.join('\n')}\n`;
    const at = text.indexOf('torch.OutOfMemoryError');
    expect(f.lineOffset).toBe(base + Buffer.byteLength(text.slice(0, at)));
    expect(f.linesLeftOut).toBe(0);
  });

  it('a NaN loss without a traceback: the lines either side of the first bad one', () => {
    const f = failureLines(fixture('loss-inf.log'), 0, { context: 1, capBytes: 8192 });
    expect(f.kind).toBe('nan-loss');
    expect(f.excerpt).toEqual(['step 1 loss inf', 'step 2 loss inf']); // the first bad line has none before it
    expect(f.excerpt[0]).toBe(f.line);
    expect(f.line?.toLowerCase()).toMatch(/inf|nan/);
  });

  it('the last traceback of several; chained exceptions end it at the first exception line', () => {
    const lines = [
      'step 1 loss 2.0',
      'Traceback (most recent call last):',
      '  File "a.py", line 1',
      'KeyError: first',
      'step 2 loss 1.9',
      'Traceback (most recent call last):',
      '  File "b.py", line 2, in f',
      '    x = y[0]',
      'ValueError: bad shape (3, 4)',
      'exit=1',
    ];
    const f = failureLines(lines, 0, { context: 1, capBytes: 8192 });
    expect(f.kind).toBe('traceback');
    expect(f.line).toBe('ValueError: bad shape (3, 4)');
    expect(f.excerpt.at(-1)).toBe('ValueError: bad shape (3, 4)');
    expect(f.excerpt[0]).toBe('step 2 loss 1.9'); // one line of context before the last traceback
  });

  it('caps the window by bytes, keeping its end (the cause) and counting what it left out', () => {
    const frames = Array.from({ length: 500 }, (_, i) => `  File "deep.py", line ${i}, in f${i}`);
    const lines = ['Traceback (most recent call last):', ...frames, 'RecursionError: too deep'];
    const f = failureLines(lines, 0, { context: 3, capBytes: 1024 });
    expect(Buffer.byteLength(`${f.excerpt.join('\n')}\n`)).toBeLessThanOrEqual(1024);
    expect(f.excerpt.at(-1)).toBe('RecursionError: too deep');
    expect(f.linesLeftOut).toBe(lines.length - f.excerpt.length);
    expect(f.windowOffset).toBe(0);
    const text = `${lines.join('\n')}\n`;
    expect(text.slice(f.excerptOffset, f.excerptEnd)).toBe(`${f.excerpt.join('\n')}\n`); // ASCII: bytes = chars
  });

  it('nothing failed: the last lines; server escapes never come back', () => {
    const lines = ['step 1 loss 2.0', 'step 2 loss 1.8 \u001b]52;c;ZXZpbA==\u0007', 'step 3 loss 1.5'];
    const f = failureLines(lines, 0, { context: 2, capBytes: 8192 });
    expect(f.kind).toBeNull();
    expect(f.line).toBeNull();
    expect(f.excerpt).toEqual(['step 2 loss 1.8 ', 'step 3 loss 1.5']);
    expect(f.excerpt.join('')).not.toContain('\u001b');
  });

  it('a single line bigger than the cap keeps its end within the cap', () => {
    const f = failureLines([`${'x'.repeat(5000)}CUDA out of memory`], 0, { context: 0, capBytes: 600 });
    expect(f.kind).toBe('cuda-oom');
    expect(Buffer.byteLength(f.excerpt[0])).toBeLessThanOrEqual(600);
    expect(f.excerpt[0].endsWith('CUDA out of memory')).toBe(true);
  });
});
