/** Pure wording of a host's connection state. */
import type { ConnectionInfo, ConnectionStateName } from '../state/store.js';

export type StateTone = 'ok' | 'warn' | 'bad' | 'muted';

export interface ConnectionLabel {
  glyph: string;
  word: string;
  tone: StateTone;
}

const LABELS: Record<ConnectionStateName, ConnectionLabel> = {
  local: { glyph: '●', word: 'local', tone: 'ok' },
  connected: { glyph: '●', word: 'connected', tone: 'ok' },
  connecting: { glyph: '○', word: 'connecting', tone: 'muted' },
  reconnecting: { glyph: '◌', word: 'reconnecting', tone: 'warn' },
  unreachable: { glyph: '✗', word: 'unreachable', tone: 'bad' },
  'auth-failed': { glyph: '✗', word: 'auth failed', tone: 'bad' },
  'passphrase-needed': { glyph: '!', word: 'passphrase', tone: 'warn' },
  'hostkey-unknown': { glyph: '!', word: 'unknown key', tone: 'bad' },
  'hostkey-changed': { glyph: '!', word: 'KEY CHANGED', tone: 'bad' },
};

export function connectionLabel(state: ConnectionStateName): ConnectionLabel {
  return LABELS[state];
}

export function isUp(state: ConnectionStateName): boolean {
  return state === 'connected' || state === 'local';
}

/** Whether the host is waiting out a back-off (the only state with a ticking countdown). */
export function isWaitingToRetry(c: ConnectionInfo): boolean {
  return (c.state === 'reconnecting' || c.state === 'unreachable') && c.nextRetryAt !== null;
}

/** "attempt 3, next try in 12s" (seconds rounded up), or "attempt 3, retrying now" once due. */
export function retryText(attempt: number, nextRetryAt: number, nowMs: number): string {
  const seconds = Math.ceil((nextRetryAt - nowMs) / 1000);
  return seconds > 0 ? `attempt ${attempt}, next try in ${seconds}s` : `attempt ${attempt}, retrying now`;
}
