import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from '../../src/ssh/backoff.js';

describe('backoffDelay', () => {
  it('starts near 1 s, doubles, and stops at the 60 s cap', () => {
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoffDelay(a, DEFAULT_BACKOFF, mid))).toEqual([
      1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000,
    ]);
  });

  it('jitters within ±20 % and never above the cap', () => {
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0)).toBe(800);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 1)).toBe(1200);
    expect(backoffDelay(20, DEFAULT_BACKOFF, () => 1)).toBe(60000);
  });
});
