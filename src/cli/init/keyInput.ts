/**
 * Keys from the terminal one at a time. A phone over SSH often delivers several keys (or a
 * pasted answer) in one chunk: every key in it counts, in order.
 */

export type Key =
  | { name: 'char'; char: string }
  | { name: 'up' | 'down' | 'return' | 'backspace' | 'escape' | 'tab' | 'interrupt' | 'eof' };

/** Splits one chunk of terminal input into keys; escape sequences other than ↑/↓ are dropped. */
export function splitKeys(chunk: string): Key[] {
  const keys: Key[] = [];
  for (let i = 0; i < chunk.length; i++) {
    const c = chunk[i];
    if (c === '\u001b') {
      const next = chunk[i + 1];
      if (next !== '[' && next !== 'O') {
        keys.push({ name: 'escape' });
        continue;
      }
      let j = i + 2;
      while (j < chunk.length && /[0-9;]/.test(chunk[j])) j++;
      const final = chunk[j];
      if (final === 'A') keys.push({ name: 'up' });
      else if (final === 'B') keys.push({ name: 'down' });
      i = Math.min(j, chunk.length - 1);
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && chunk[i + 1] === '\n') i++;
      keys.push({ name: 'return' });
    } else if (c === '\u007f' || c === '\b') keys.push({ name: 'backspace' });
    else if (c === '\t') keys.push({ name: 'tab' });
    else if (c === '\u0003') keys.push({ name: 'interrupt' });
    else if (c === '\u0004') keys.push({ name: 'eof' });
    else if (c >= ' ' && !/[\u0080-\u009f]/.test(c)) keys.push({ name: 'char', char: c });
  }
  return keys;
}

type Input = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/** A queue of keys read from `stream` (raw mode on a terminal, restored by close()). */
export class KeyInput {
  private readonly queue: Key[] = [];
  private waiting: ((key: Key) => void) | null = null;
  private ended = false;
  private readonly onData = (chunk: Buffer | string) => {
    for (const key of splitKeys(String(chunk))) this.push(key);
  };
  private readonly onEnd = () => {
    this.ended = true;
    this.push({ name: 'eof' });
  };

  constructor(private readonly stream: Input) {
    if (stream.isTTY && stream.setRawMode) stream.setRawMode(true);
    stream.setEncoding?.('utf8');
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.resume();
  }

  private push(key: Key): void {
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve(key);
    } else this.queue.push(key);
  }

  /** Keys already typed and not yet taken (a redraw can wait until they are). */
  get queued(): number {
    return this.queue.length;
  }

  next(): Promise<Key> {
    const key = this.queue.shift();
    if (key) return Promise.resolve(key);
    if (this.ended) return Promise.resolve({ name: 'eof' });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  close(): void {
    this.stream.off('data', this.onData);
    this.stream.off('end', this.onEnd);
    if (this.stream.isTTY && this.stream.setRawMode) this.stream.setRawMode(false);
    this.stream.pause();
  }
}
