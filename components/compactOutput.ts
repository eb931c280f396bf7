/**
 * Fewer bytes and packets per frame for slow links.
 * - Ink's incremental renderer walks past every unchanged line with its own "cursor to next line"
 *   (ESC [ E), ~3 bytes a line: on a 50-row screen that is more than the changed text itself. A run
 *   of n of them is the same move as one ESC [ n E.
 * - Ink writes a frame as three writes: begin synchronized update, the frame, end synchronized
 *   update, a millisecond apart. Without tmux between, sshd can send each as a packet of its own to
 *   a phone. What Ink writes between the two marks goes out as one write.
 */
const RUN = /(?:\x1b\[E){2,}/g;
export const BEGIN_SYNCHRONIZED_UPDATE = '\x1b[?2026h';
export const END_SYNCHRONIZED_UPDATE = '\x1b[?2026l';

export function compactCursorMoves(frame: string): string {
  return frame.replace(RUN, (run) => `\x1b[${run.length / 3}E`);
}

/** The terminal stream as Ink sees it (size, resize events, raw mode), with frames compacted on the way out. */
export function compactingStdout<T extends NodeJS.WriteStream>(stdout: T): T {
  const writeThrough = stdout.write.bind(stdout) as (...args: unknown[]) => boolean;
  // the text of a synchronized update begun and not yet ended, else null
  let held: string | null = null;
  const release = () => {
    if (held === null) return;
    const text = held;
    held = null;
    writeThrough(text);
  };
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    if (typeof chunk !== 'string' || rest.length > 0) {
      release();
      return writeThrough(typeof chunk === 'string' ? compactCursorMoves(chunk) : chunk, ...rest);
    }
    if (chunk === BEGIN_SYNCHRONIZED_UPDATE && held === null) {
      held = chunk;
      // Ink ends the update in the same turn; should it not (it threw meanwhile), nothing stays held
      queueMicrotask(release);
      return true;
    }
    if (held === null) return writeThrough(compactCursorMoves(chunk));
    held += compactCursorMoves(chunk);
    if (chunk === END_SYNCHRONIZED_UPDATE) release();
    return true;
  };
  return new Proxy(stdout, {
    get(target, prop) {
      if (prop === 'write') return write;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
