/**
 * What runs on one opened exec channel: a buffered command (byte caps, a time limit that kills
 * the remote process group) or a stream of lines.
 */
import type { ClientChannel } from 'ssh2';
import {
  DEFAULT_EXEC_TIMEOUT_MS,
  MAX_EXEC_OUTPUT_BYTES,
  stopForOutputCap,
  watchExecLimits,
} from '../transport/limits.js';
import { type ExecOptions, type ExecResult, LineSplitter, type StreamOptions } from '../transport/types.js';

/** Exit statuses seen as soon as a channel opened, before exec()/stream() listen. */
const exitStatus = new WeakMap<ClientChannel, { code: number | null; signal?: string }>();

/** Called right after the channel opens: 'exit' can come before the caller's listeners are attached. */
export function watchExit(channel: ClientChannel): void {
  channel.once('exit', (code: number | null, signal?: string) =>
    exitStatus.set(channel, { code, signal: signal ?? undefined }),
  );
}

/**
 * Kills the remote command and everything it started in its process group: OpenSSH answers a
 * "signal" channel request with killpg() on the session. Closing a non-pty channel alone leaves
 * the command running. ssh2's public channel.signal() refuses once our side has sent EOF (every
 * exec has, after its stdin), so the request goes through the protocol object it would use.
 */
export function killRemote(channel: ClientChannel): void {
  const ch = channel as unknown as {
    outgoing?: { id: number; state: string };
    _client?: { _protocol?: { signal(id: number, name: string): void } };
  };
  try {
    if (ch.outgoing && (ch.outgoing.state === 'open' || ch.outgoing.state === 'eof'))
      ch._client?._protocol?.signal(ch.outgoing.id, 'KILL');
  } catch {
    // the channel is already going away
  }
  channel.close();
}

/** Collects one stream's bytes up to a cap. */
class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly cap: number) {}
  /** False once the cap is reached. */
  add(chunk: Buffer): boolean {
    const room = this.cap - this.size;
    if (chunk.length > room) {
      if (room > 0) this.chunks.push(chunk.subarray(0, room));
      this.size = this.cap;
      this.truncated = true;
      return false;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    return true;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Writes stdin, collects the output, and ends with the exit status (code null when killed or lost). */
export function collectExec(channel: ClientChannel, stdin: string, options: ExecOptions): Promise<ExecResult> {
  return new Promise((resolve) => {
    const cap = options.maxOutputBytes ?? MAX_EXEC_OUTPUT_BYTES;
    const out = new CappedBuffer(cap);
    const err = new CappedBuffer(cap);
    let code: number | null = null;
    let signal: string | undefined;
    let why: { reason: string; signal: string } | null = null;
    const stop = (signal: string, reason: string) => {
      if (why !== null) return;
      why = { signal, reason };
      killRemote(channel);
    };
    const capped = () => stopForOutputCap(stop, cap);
    channel.on('data', (d: Buffer) => out.add(d) || capped());
    channel.stderr.on('data', (d: Buffer) => err.add(d) || capped());
    channel.on('exit', (c: number | null, s?: string) => {
      code = c;
      signal = s ?? undefined;
    });
    const unwatch = watchExecLimits(options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS, options.signal, stop);
    channel.once('close', () => {
      unwatch();
      const early = exitStatus.get(channel);
      const stopped = why as { reason: string; signal: string } | null;
      const stderr = err.text() + (stopped ? `\n(${stopped.reason})` : '');
      const result: ExecResult = stopped
        ? { stdout: out.text(), stderr, code: null, signal: stopped.signal }
        : { stdout: out.text(), stderr, code: code ?? early?.code ?? null, signal: signal ?? early?.signal };
      if (out.truncated || err.truncated) result.truncated = true;
      resolve(result);
    });
    channel.end(stdin);
  });
}

/** Hands a long-lived command's output over line by line; ends with its exit status. */
export function streamLines(
  channel: ClientChannel,
  options: StreamOptions,
  isCancelled: () => boolean,
): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve) => {
    const out = new LineSplitter(options.onLine, options.splitCarriageReturn, { onProgress: options.onProgress });
    const err = new LineSplitter(options.onErrLine ?? options.onLine, options.splitCarriageReturn, {
      onProgress: options.onProgress,
    });
    let code: number | null = null;
    let signal: string | undefined;
    channel.setEncoding('utf8');
    channel.stderr.setEncoding('utf8');
    channel.on('data', (d: string) => out.push(d));
    channel.stderr.on('data', (d: string) => err.push(d));
    channel.on('exit', (c: number | null, s?: string) => {
      code = c;
      signal = s ?? undefined;
    });
    channel.once('close', () => {
      out.end();
      err.end();
      const early = exitStatus.get(channel);
      code ??= early?.code ?? null;
      signal ??= early?.signal;
      resolve({
        stdout: '',
        stderr: '',
        code,
        signal: isCancelled() ? 'cancelled' : (signal ?? (code === null ? 'disconnected' : undefined)),
      });
    });
  });
}
