/** What every host offers, whether it is the local machine (execa) or a server (ssh2). */
import type { ShellCommand } from '../commands/value.js';

export type { ShellCommand } from '../commands/value.js';
export { DEFAULT_EXEC_TIMEOUT_MS, MAX_EXEC_OUTPUT_BYTES } from './limits.js';
export { LineSplitter, MAX_LINE_CHARS } from './lineSplitter.js';

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code; null when the command was killed by a signal or the channel was lost. */
  code: number | null;
  /** The signal, or why trainyard stopped it: 'timeout', 'cancelled', 'output-cap'. */
  signal?: string;
  /** Output went past the byte cap: what is here is its beginning, and the command was killed. */
  truncated?: boolean;
}

export interface ExecOptions {
  /** Data written to the command's stdin, then stdin is closed. */
  stdin?: string;
  /** Kill the command and everything it started (code null, signal 'timeout') after this many ms; default DEFAULT_EXEC_TIMEOUT_MS, 0 = none. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Bytes kept per output stream before the command is killed (default MAX_EXEC_OUTPUT_BYTES). */
  maxOutputBytes?: number;
}

export interface StreamHandle {
  /** Stops the stream; the remote command dies with its channel. */
  cancel(): void;
  /** Resolves when the stream ends, with the command's exit status when known. */
  done: Promise<ExecResult>;
}

export interface StreamOptions {
  onLine: (line: string) => void;
  /** Lines from stderr; defaults to onLine. */
  onErrLine?: (line: string) => void;
  /** Split on \r as well as \n (rsync progress). */
  splitCarriageReturn?: boolean;
  /** A line still being rewritten with \r (tqdm): its text now, at most once per chunk received. */
  onProgress?: (text: string) => void;
}

export interface Transport {
  /** Runs a command value (an argv; the transport quotes it with src/shell/quote.ts). */
  exec(command: ShellCommand, options?: ExecOptions): Promise<ExecResult>;
  /** Runs a long-lived command value and hands over its output line by line. */
  stream(command: ShellCommand, options: StreamOptions): StreamHandle;
}
