/**
 * Notices that the machine slept (a laptop lid closed): a timer that should tick every 2 s
 * finds a much larger gap. Connections then retry at once instead of waiting out their back-off.
 */
type Listener = () => void;

const listeners = new Set<Listener>();
let timer: NodeJS.Timeout | null = null;
let last = Date.now();
const TICK_MS = 2000;
const GAP_MS = 10_000;

export function onWake(listener: Listener): () => void {
  listeners.add(listener);
  if (!timer) {
    last = Date.now();
    timer = setInterval(() => {
      const now = Date.now();
      const gap = now - last;
      last = now;
      if (gap > GAP_MS) for (const l of listeners) l();
    }, TICK_MS);
    timer.unref();
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}
