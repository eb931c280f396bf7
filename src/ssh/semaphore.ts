/** Counts open SSH channels so a connection stays under OpenSSH's MaxSessions (10). */
export class Semaphore {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {}

  get inUse(): number {
    return this.used;
  }

  acquire(): Promise<void> {
    if (this.used < this.size) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => resolve()));
  }

  /** Lets every waiter through (their connection is gone; they will find that out and give up). */
  drain(): void {
    for (const next of this.waiting.splice(0)) next();
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used = Math.max(0, this.used - 1);
  }
}
