/**
 * The only timers in the views. Nothing ticks every frame: ages move once a minute, and the
 * reconnect countdown ticks once a second only while a host is waiting to reconnect.
 */
import { useEffect, useState } from 'react';

/** Date.now(), refreshed at each minute boundary. */
export function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let timer: NodeJS.Timeout;
    const schedule = () => {
      timer = setTimeout(() => {
        setNow(Date.now());
        schedule();
      }, 60_000 - (Date.now() % 60_000) + 20);
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
      timer = setTimeout(() => {
        setNow(Date.now());
        schedule();
      }, (remaining % 1000 || 1000) + 5);
    };
    setNow(Date.now());
    schedule();
    return () => clearTimeout(timer);
  }, [until]);
  return now;
}
