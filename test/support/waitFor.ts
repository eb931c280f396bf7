/**
 * The one poll helper for tests: reads something until it is what the test waits for, or
 * fails after the timeout saying what it waited for and what it saw last.
 *
 *   await waitFor(() => tail.lines.size === 2);                       // a condition
 *   const h = await waitFor(() => store.getState().hosts.a, { until: (h) => h.connection === 'connected', what: 'a connected', show: (h) => h.connection });
 *   const out = await waitFor(() => host.run('ls'), { until: (r) => /x/.test(r.stdout), intervalMs: 150 });
 */
export interface WaitOptions<T> {
  /** When the value read is the one waited for (default: truthy). */
  until?: (value: T) => boolean;
  /** Default 5000. */
  timeoutMs?: number;
  /** Default 10 ms; slower for reads that cost a round trip. */
  intervalMs?: number;
  /** What is waited for, in the failure message. */
  what?: string;
  /** How the last value is shown in the failure message (default JSON, cut to 2000 characters). */
  show?: (value: T) => string;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function defaultShow(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 2000);
  } catch {
    return String(value);
  }
}

export async function waitFor<T>(read: () => T | Promise<T>, timeoutMs?: number, what?: string): Promise<T>;
export async function waitFor<T>(read: () => T | Promise<T>, options: WaitOptions<T>): Promise<T>;
export async function waitFor<T>(
  read: () => T | Promise<T>,
  a: number | WaitOptions<T> = {},
  what?: string,
): Promise<T> {
  const o: WaitOptions<T> = typeof a === 'number' ? { timeoutMs: a, what } : a;
  const until = o.until ?? ((v: T) => Boolean(v));
  const timeoutMs = o.timeoutMs ?? 5000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (until(value)) return value;
    if (Date.now() > deadline) {
      const seen = typeof value === 'boolean' ? '' : `; last seen: ${(o.show ?? defaultShow)(value)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${o.what ?? 'condition'}${seen}`);
    }
    await pause(o.intervalMs ?? 10);
  }
}
