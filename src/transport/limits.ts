/** Buffered output kept per stream (stdout, stderr) of an exec unless ExecOptions.maxOutputBytes says otherwise. */
export const MAX_EXEC_OUTPUT_BYTES = 16 * 1024 * 1024;
/** The time limit of an exec whose caller gave none. */
export const DEFAULT_EXEC_TIMEOUT_MS = 120_000;

/** How a transport stops a command: the signal word for ExecResult.signal and the reason to print. */
export type StopCommand = (signal: 'timeout' | 'cancelled' | 'output-cap', reason: string) => void;

/** Stops the command when its output passed `cap` bytes. */
export function stopForOutputCap(stop: StopCommand, cap: number): void {
  stop('output-cap', `output cut at ${cap} bytes: the command was killed`);
}

/**
 * Stops a command when its time limit passes (none when 0) or its AbortSignal fires; returns
 * what to call once the command ended, to drop both watches.
 */
export function watchExecLimits(timeoutMs: number, signal: AbortSignal | undefined, stop: StopCommand): () => void {
  const timer =
    timeoutMs > 0
      ? setTimeout(() => stop('timeout', `timed out after ${timeoutMs} ms: the command was killed`), timeoutMs)
      : undefined;
  const onAbort = () => stop('cancelled', 'cancelled: the command was killed');
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();
  return () => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  };
}
