import { describe, expect, test } from 'vitest';
import { LineRing } from '../../src/logs/ringBuffer.js';

describe('LineRing', () => {
  test('keeps the newest maxLines lines, addressed by a sequence number that keeps counting', () => {
    const ring = new LineRing(3);
    expect(ring.size).toBe(0);
    expect(ring.startSeq).toBe(0);
    expect(ring.endSeq).toBe(0);
    for (let i = 0; i < 5; i++) ring.push(`line ${i}`);
    expect(ring.size).toBe(3);
    expect(ring.startSeq).toBe(2);
    expect(ring.endSeq).toBe(5);
    expect(ring.get(1)).toBeUndefined();
    expect(ring.get(2)).toBe('line 2');
    expect(ring.get(4)).toBe('line 4');
    expect(ring.get(5)).toBeUndefined();
    expect(ring.slice(0, 10)).toEqual(['line 2', 'line 3', 'line 4']);
    expect(ring.slice(3, 4)).toEqual(['line 3']);
  });

  test('is bounded in bytes too: long lines push out old ones before the line count is reached', () => {
    const ring = new LineRing(1000, 4096);
    for (let i = 0; i < 100; i++) ring.push(`${i}:`.padEnd(1000, 'x'));
    expect(ring.size).toBe(4); // 4 × 1000 bytes fit in 4096, a 5th does not
    expect(ring.get(99)!.startsWith('99:')).toBe(true);
    expect(ring.get(96)!.startsWith('96:')).toBe(true);
    expect(ring.get(95)).toBeUndefined();
  });

  test('lines that wrap around the end of the byte buffer, multi-byte characters and colour codes come back intact', () => {
    const ring = new LineRing(100, 1024);
    const made: string[] = [];
    for (let i = 0; i < 500; i++) {
      const line = `${i} 損失 \u001b[31m${'é'.repeat(i % 37)}\u001b[0m 🔥`;
      made.push(line);
      ring.push(line);
      const all = ring.slice(ring.startSeq, ring.endSeq);
      expect(all).toEqual(made.slice(ring.startSeq));
    }
    expect(ring.size).toBeGreaterThan(5);
  });

  test('a line longer than the scratch space is cut at a character boundary', () => {
    const ring = new LineRing(10, 1024);
    ring.push('損'.repeat(1000)); // 3000 bytes > 1024
    const got = ring.get(0)!;
    expect(Buffer.byteLength(got)).toBeLessThanOrEqual(1024);
    expect(got).toBe('損'.repeat(got.length));
  });

  test('empty lines and clear', () => {
    const ring = new LineRing(4);
    ring.push('');
    ring.push('a');
    expect(ring.slice(0, 2)).toEqual(['', 'a']);
    ring.clear();
    expect(ring.size).toBe(0);
    ring.push('b');
    expect(ring.get(2)).toBe('b');
  });

  test('rejects capacities that make no sense', () => {
    expect(() => new LineRing(0)).toThrow(/capacity/);
    expect(() => new LineRing(1.5)).toThrow(/capacity/);
    expect(() => new LineRing(10, 10)).toThrow(/byte capacity/);
  });
});
