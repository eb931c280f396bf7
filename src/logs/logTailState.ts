/** The shapes around LogTail: its options, its published state, and what it needs from a link. */
import type { Transport } from '../transport/types.js';
import type { TailPosition } from './tailCommand.js';

/** What LogTail needs from a connection to know when to resume: SshConnection fits. */
export interface LinkEvents {
  on(event: 'state', listener: (info: { state: string }) => void): unknown;
  off(event: 'state', listener: (info: { state: string }) => void): unknown;
  readonly isReady?: boolean;
}

export type LogTailStatus = 'starting' | 'following' | 'waiting-for-file' | 'disconnected' | 'error' | 'stopped';

export interface LogTailState {
  status: LogTailStatus;
  /** Why the tail is in 'error' (the command's complaint or exit status). */
  error: string | null;
  /** Bumps on every store update; a view re-reads the buffer when it changes. */
  version: number;
  /** Lines added to the buffer since start(), markers included (it keeps the last `capacity`). */
  received: number;
  /** The unterminated last line (a progress bar in flight), sanitised; null when none. */
  partial: string | null;
  position: TailPosition;
  /** Times the tail resumed from a saved offset (after a lost connection or a failed command). */
  resumes: number;
}

export interface LogTailOptions {
  transport: Transport;
  /** Absolute path of the log on that host (RunManifest.log). */
  file: string;
  /** The host's connection, to resume as soon as it is back; without it, retries run on a timer. */
  link?: LinkEvents;
  /** Lines kept for scrolling back (default 10 000)... */
  capacity?: number;
  /** ... and at most this many bytes of them (default 4 MiB). */
  capacityBytes?: number;
  /** A fresh tail starts this many bytes before the end (default 512 KiB); null = the whole file. */
  initialBytes?: number | null;
  /** Where to start instead of a fresh tail (e.g. a position saved earlier). */
  from?: TailPosition;
  /** The store (status, counts, the progress line) is updated at most this often (default 100 ms). */
  flushMs?: number;
  /** Longest line kept, in bytes (default 4096). */
  lineCap?: number;
  /** Server poll period while the log is idle (default 0.25 s). */
  pollSeconds?: number;
  /** Keep SGR colours (default true). */
  keepColors?: boolean;
  /** Longest wait between retries when the stream keeps failing (default 5 s). */
  maxRetryMs?: number;
  /** Masks secrets in each line before it is kept (default: none). */
  redact?: (text: string) => string;
}
