/**
 * The only timers in the views. Nothing ticks every frame: ages move once a minute, the
 * reconnect countdown ticks once a second only while a host is waiting to reconnect, and a
 * GPU sample's age appears only once it is stale.
 */
import { useContext, useEffect, useState } from 'react';
import { msUntilLabelChanges, staleAfterMs, staleAge } from '../src/cockpit/freshness.js';
import { isUp } from '../src/format/connection.js';
import { useServices } from './servicesContext.js';
import { StoreContext } from './storeContext.js';

/** Date.now(), refreshed at each minute boundary. */
export function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let timer: NodeJS.Timeout;
    const schedule = () => {
      timer = setTimeout(
        () => {
          setNow(Date.now());
          schedule();
        },
        60_000 - (Date.now() % 60_000) + 20,
      );
    };
    schedule();
    return () => clearTimeout(timer);
  }, []);
  return now;
}

/** Date.now(), refreshed each time the whole-seconds count down to `until` changes; stops once `until` has passed. */
export function useCountdownClock(until: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let timer: NodeJS.Timeout | undefined;
    const schedule = () => {
      const remaining = until - Date.now();
      if (remaining <= 0) return;
      timer = setTimeout(
        () => {
          setNow(Date.now());
          schedule();
        },
        (remaining % 1000 || 1000) + 5,
      );
    };
    setNow(Date.now());
    schedule();
    return () => clearTimeout(timer);
  }, [until]);
  return now;
}

/**
 * The age of the host's last GPU sample while it is stale, else null (services.gpuIntervalMs says how often samples come). It reads the store itself
 * and re-renders only when that answer changes: a fresh sample every second costs no frame here.
 */
export function useStaleAge(alias: string | undefined): string | null {
  const store = useContext(StoreContext);
  // Without a known sampling interval (a view fed by hand) nothing is judged stale.
  const intervalMs = useServices().gpuIntervalMs;
  const [label, setLabel] = useState<string | null>(null);
  useEffect(() => {
    if (!store || alias === undefined || intervalMs === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    let timerDue = 0;
    const check = () => {
      const h = store.getState().hosts[alias];
      // Only live figures go stale: an error or "no GPU" is not a sample.
      const updatedAt = h && !h.gpuError && h.gpus.length > 0 && isUp(h.connection.state) ? h.gpuUpdatedAt : null;
      const now = Date.now();
      setLabel(staleAge(updatedAt, now, intervalMs));
      if (updatedAt === null) {
        clearTimeout(timer);
        timer = undefined;
        return;
      }
      const age = now - updatedAt;
      const stale = staleAfterMs(intervalMs);
      const due = now + (age > stale ? msUntilLabelChanges(age) : stale - age + 5);
      // A timer already set to fire no later is kept (it looks again then): re-arming at every
      // sample was a timer made and dropped per host per second.
      if (timer !== undefined && timerDue <= due) return;
      clearTimeout(timer);
      timerDue = due;
      timer = setTimeout(() => {
        timer = undefined;
        check();
      }, due - now);
      timer.unref?.();
    };
    check();
    const unsubscribe = store.subscribe((s, prev) => {
      const [h, p] = [s.hosts[alias], prev.hosts[alias]];
      if (
        h?.gpuUpdatedAt !== p?.gpuUpdatedAt ||
        h?.connection.state !== p?.connection.state ||
        h?.gpuError !== p?.gpuError
      )
        check();
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [store, alias, intervalMs]);
  return label;
}
