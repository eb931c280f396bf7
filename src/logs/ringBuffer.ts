/**
 * The lines a log pane can scroll back through, in fixed memory: a circular buffer of UTF-8 bytes
 * plus a circular index, bounded both in lines and in bytes (so 10 000 lines of 4 KB each cannot
 * take 40 MB). Line number `seq` keeps counting up and stays addressable until newer lines push it
 * out.
 *
 * Why bytes and not an array of strings: at 10 000 lines/s every kept string survives the young
 * generation, and V8 answers that survival by growing the young generation to its maximum (RSS
 * then sits 100+ MB higher). Bytes in one preallocated Buffer are never seen by the garbage
 * collector; strings exist only for the few lines on screen (or while searching).
 */
export class LineRing {
  private readonly data: Buffer;
  private readonly starts: Float64Array; // absolute byte position of each indexed line
  private readonly lengths: Uint32Array;
  private head = 0; // absolute byte position where the next line is written
  private first = 0; // sequence number of the oldest line held
  private next = 0; // sequence number of the next line
  private readonly scratch: Buffer;

  constructor(
    readonly maxLines: number,
    readonly maxBytes = 4 * 1024 * 1024,
  ) {
    if (!Number.isInteger(maxLines) || maxLines < 1)
      throw new Error(`line ring capacity must be a positive integer, got ${maxLines}`);
    if (!Number.isInteger(maxBytes) || maxBytes < 1024)
      throw new Error(`line ring byte capacity must be at least 1024, got ${maxBytes}`);
    this.data = Buffer.allocUnsafeSlow(maxBytes);
    this.starts = new Float64Array(maxLines);
    this.lengths = new Uint32Array(maxLines);
    this.scratch = Buffer.allocUnsafeSlow(Math.min(maxBytes, 256 * 1024));
  }

  /** Lines held now. */
  get size(): number {
    return this.next - this.first;
  }

  /** Sequence number of the oldest line held (equals endSeq when empty). */
  get startSeq(): number {
    return this.first;
  }

  /** Sequence number the next line will get; also how many lines were ever pushed. */
  get endSeq(): number {
    return this.next;
  }

  /** Adds a line; one longer than 256 KiB (or maxBytes) is cut at a character boundary. */
  push(line: string): void {
    const n = this.scratch.write(line, 0, 'utf8'); // cuts at a character boundary when too long
    while (
      this.size > 0 &&
      (this.size >= this.maxLines || this.head + n - this.starts[this.first % this.maxLines] > this.maxBytes)
    )
      this.first++;
    const at = this.head % this.maxBytes;
    const firstPart = Math.min(n, this.maxBytes - at);
    this.scratch.copy(this.data, at, 0, firstPart);
    if (firstPart < n) this.scratch.copy(this.data, 0, firstPart, n);
    const slot = this.next % this.maxLines;
    this.starts[slot] = this.head;
    this.lengths[slot] = n;
    this.head += n;
    this.next++;
  }

  /** The line with this sequence number, or undefined when it was pushed out or not pushed yet. */
  get(seq: number): string | undefined {
    if (seq < this.first || seq >= this.next) return undefined;
    const slot = seq % this.maxLines;
    const at = this.starts[slot] % this.maxBytes;
    const n = this.lengths[slot];
    if (at + n <= this.maxBytes) return this.data.toString('utf8', at, at + n);
    const firstPart = this.maxBytes - at;
    this.data.copy(this.scratch, 0, at, this.maxBytes);
    this.data.copy(this.scratch, firstPart, 0, n - firstPart);
    return this.scratch.toString('utf8', 0, n);
  }

  /** Lines with sequence numbers in [from, to), clipped to what is held. */
  slice(from: number, to: number): string[] {
    const out: string[] = [];
    for (let seq = Math.max(from, this.first); seq < Math.min(to, this.next); seq++) out.push(this.get(seq) as string);
    return out;
  }

  /** Forgets every line; sequence numbers go on. */
  clear(): void {
    this.first = this.next;
  }
}
