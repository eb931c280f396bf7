export type LinesListener = (lines: readonly string[]) => void;

/**
 * Hands a tail's new lines to its listeners (chart, parsers) in batches: one batch per chunk of
 * stream data, right after it was read, every line once and in order. A listener that throws
 * does not stop the others or the tail.
 */
export class LineFanout {
  private batch: string[] = [];
  private readonly listeners = new Set<LinesListener>();

  add(listener: LinesListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  push(line: string): void {
    if (this.listeners.size === 0) return;
    if (this.batch.length === 0) queueMicrotask(() => this.deliver());
    this.batch.push(line);
  }

  deliver(): void {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    for (const listener of this.listeners) {
      try {
        listener(batch);
      } catch {
        // A broken consumer (chart, parser) must not stop the tail.
      }
    }
  }
}
