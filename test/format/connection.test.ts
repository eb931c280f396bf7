import { describe, expect, test } from 'vitest';
import { connectionLabel, isWaitingToRetry, retryText } from '../../src/format/connection.js';

describe('connection wording', () => {
  test('every state has a glyph and a word', () => {
    expect(connectionLabel('connected')).toMatchObject({ glyph: '●', word: 'connected', tone: 'ok' });
    expect(connectionLabel('reconnecting').word).toBe('reconnecting');
    expect(connectionLabel('hostkey-changed').tone).toBe('bad');
  });

  test('retry countdown rounds up and says when it is due', () => {
    expect(retryText(3, 10_000, 0)).toBe('attempt 3, next try in 10s');
    expect(retryText(3, 10_000, 100)).toBe('attempt 3, next try in 10s');
    expect(retryText(3, 10_000, 9_001)).toBe('attempt 3, next try in 1s');
    expect(retryText(3, 10_000, 10_000)).toBe('attempt 3, retrying now');
  });

  test('only reconnecting/unreachable hosts with a next try are waiting', () => {
    const base = { attempt: 1, error: null, hint: null };
    expect(isWaitingToRetry({ ...base, state: 'reconnecting', nextRetryAt: 5 })).toBe(true);
    expect(isWaitingToRetry({ ...base, state: 'unreachable', nextRetryAt: 5 })).toBe(true);
    expect(isWaitingToRetry({ ...base, state: 'reconnecting', nextRetryAt: null })).toBe(false);
    expect(isWaitingToRetry({ ...base, state: 'auth-failed', nextRetryAt: 5 })).toBe(false);
  });
});
