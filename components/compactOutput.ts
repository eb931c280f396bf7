/**
 * Fewer bytes per frame for slow links. Ink's incremental renderer walks past every unchanged
 * line with its own "cursor to next line" (ESC [ E), ~3 bytes a line: on a 50-row screen that is
 * more than the changed text itself. A run of n of them is the same move as one ESC [ n E.
 */
const RUN = /(?:\x1b\[E){2,}/g;

export function compactCursorMoves(frame: string): string {
  return frame.replace(RUN, (run) => `\x1b[${run.length / 3}E`);
}

/** The terminal stream as Ink sees it (size, resize events, raw mode), with frames compacted on the way out. */
export function compactingStdout<T extends NodeJS.WriteStream>(stdout: T): T {
  const write = (chunk: unknown, ...rest: unknown[]) =>
    (stdout.write as (...args: unknown[]) => boolean)(
      typeof chunk === 'string' ? compactCursorMoves(chunk) : chunk,
      ...rest,
    );
  return new Proxy(stdout, {
    get(target, prop) {
      if (prop === 'write') return write;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
