/** A terminal for benchmarks that mount the cockpit in this process: a TTY-shaped sink and a silent keyboard. */
import { PassThrough, Writable } from 'node:stream';

/** Counts the bytes and writes Ink sends it. */
export class CountingTty extends Writable {
  bytes = 0;
  writes = 0;
  isTTY = true;
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  _write(chunk: Buffer, _enc: string, done: () => void) {
    this.bytes += chunk.length;
    this.writes++;
    done();
  }
}

/** A stdin Ink accepts as a TTY; the benchmark writes keys into it. */
export function fakeStdin(): PassThrough & { isTTY: true } {
  return Object.assign(new PassThrough(), {
    isTTY: true as const,
    setRawMode: () => {},
    ref: () => {},
    unref: () => {},
  });
}

/** A controller that does nothing (the benchmarks drive the store). */
export const idleController = { retryNow() {}, answerPrompt() {}, shutdown: async () => {} };
