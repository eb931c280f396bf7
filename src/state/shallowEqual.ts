/**
 * zustand's `shallow` (the comparison behind useShallow), without its allocations. zustand compares
 * two plain objects by building Object.entries and a Map of each; every view's selector runs on
 * every store update (a GPU batch a second), so at 32 hosts that was ~0.2 MB of garbage a frame.
 * Plain objects and arrays are compared key by key here, with the same answers; anything else
 * (Maps, Sets, other iterables) goes to zustand's own.
 */
import { shallow } from 'zustand/vanilla/shallow';

export function shallowEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return false;
  const prototype = Object.getPrototypeOf(a);
  if (prototype !== Object.getPrototypeOf(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], other[i])) return false;
    return true;
  }
  if (Symbol.iterator in a) return shallow(a, b);
  // own enumerable string keys, as Object.entries gives them
  let count = 0;
  for (const key in a) {
    if (!Object.hasOwn(a, key)) continue;
    count++;
    if (!Object.hasOwn(b, key) || !Object.is((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
      return false;
  }
  for (const key in b) if (Object.hasOwn(b, key)) count--;
  return count === 0;
}
