/** Longest line handed on; the rest of a longer line is dropped and counted. */
export const MAX_LINE_CHARS = 64 * 1024;

export interface LineSplitterOptions {
  /** See MAX_LINE_CHARS. */
  maxLineChars?: number;
  /** Called with the last whole \r segment of an unfinished line rewritten with \r (tqdm), once per chunk. */
  onProgress?: (text: string) => void;
}

/**
 * Splits a text stream into lines in time linear in its length, whatever the chunking.
 *
 * Default mode: lines end at \n (a \r\n counts as one end). A \r inside a line starts it over, as
 * on a terminal, so tqdm's thousands of \r updates become one line, the last one, and the updates
 * in between reach onProgress. splitCr mode (rsync's --info=progress2): every \r, \n or \r\n ends
 * a line.
 */
export class LineSplitter {
  /** The current segment of the unfinished line (after its last \r). */
  private segment = '';
  private segmentChars = 0;
  /** Characters dropped from the current segment beyond the cap. */
  private dropped = 0;
  /** The segment before a \r, kept in case \n follows (then it is the line). */
  private beforeCr: string | null = null;
  /** splitCr mode: the last chunk ended in \r, so a leading \n of the next one ends nothing. */
  private skipLf = false;
  private readonly max: number;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly splitCr = false,
    private readonly options: LineSplitterOptions = {},
  ) {
    this.max = Math.max(1, options.maxLineChars ?? MAX_LINE_CHARS);
  }

  push(chunk: string): void {
    let start = 0;
    let sawCr = false;
    if (this.skipLf && chunk.startsWith('\n')) start = 1;
    this.skipLf = false;
    const separators = /[\r\n]/g;
    separators.lastIndex = start;
    for (let m = separators.exec(chunk); m; m = separators.exec(chunk)) {
      const at = m.index;
      this.append(chunk, start, at);
      start = at + 1;
      if (chunk[at] === '\n') {
        this.finishLine(
          this.segmentChars === 0 && this.dropped === 0 && this.beforeCr !== null ? this.beforeCr : this.take(),
        );
        continue;
      }
      if (this.splitCr) {
        this.finishLine(this.take());
        if (chunk[start] === '\n') start++;
        else if (start === chunk.length) this.skipLf = true;
        separators.lastIndex = start;
        continue;
      }
      sawCr = true;
      // a \r right after another keeps the text before the first one
      if (this.segmentChars > 0 || this.dropped > 0) this.beforeCr = this.take();
    }
    this.append(chunk, start, chunk.length);
    // the segment after the last \r may still be half written: show the last whole one
    const progress = sawCr && this.options.onProgress ? (this.beforeCr ?? this.shown()) : '';
    if (progress !== '') this.options.onProgress?.(progress);
  }

  /** The stream ended: an unfinished line is still a line. */
  end(): void {
    if (this.segmentChars > 0 || this.dropped > 0) this.finishLine(this.take());
    else if (this.beforeCr !== null) this.finishLine(this.beforeCr);
    this.beforeCr = null;
  }

  private append(chunk: string, from: number, to: number): void {
    if (to <= from) return;
    const room = this.max - this.segmentChars;
    const n = to - from;
    if (room >= n) {
      this.segment += chunk.slice(from, to);
      this.segmentChars += n;
    } else {
      if (room > 0) this.segment += chunk.slice(from, from + room);
      this.segmentChars += Math.max(0, room);
      this.dropped += n - Math.max(0, room);
    }
  }

  private shown(): string {
    return this.dropped > 0 ? `${this.segment} … (${this.dropped} more characters cut)` : this.segment;
  }

  private take(): string {
    const text = this.shown();
    this.segment = '';
    this.segmentChars = 0;
    this.dropped = 0;
    return text;
  }

  private finishLine(line: string): void {
    this.beforeCr = null;
    this.segment = '';
    this.segmentChars = 0;
    this.dropped = 0;
    this.onLine(line);
  }
}
