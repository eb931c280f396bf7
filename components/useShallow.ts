/** zustand's useShallow with shallowEqual.ts's comparison: the selector's last answer again while the new one is shallowly equal. */
import { useRef } from 'react';
import { shallowEqual } from '../src/state/shallowEqual.js';

export function useShallow<S, U>(selector: (state: S) => U): (state: S) => U {
  const previous = useRef<U | undefined>(undefined);
  return (state) => {
    const next = selector(state);
    if (shallowEqual(previous.current, next)) return previous.current as U;
    previous.current = next;
    return next;
  };
}
