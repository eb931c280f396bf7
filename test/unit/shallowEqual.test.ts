import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shallow } from 'zustand/vanilla/shallow';
import { shallowEqual } from '../../src/state/shallowEqual.js';
import { FUZZ } from '../fuzz/arbitraries.js';

// Values that are sometimes the very same object, sometimes equal, sometimes not: what selectors give.
const shared = [{ a: 1 }, [1, 2], 'x', 0, -0, Number.NaN, null, undefined];
const leaf = fc.oneof(fc.constantFrom(...shared), fc.integer({ min: 0, max: 3 }), fc.constantFrom('a', 'b'));
const key = fc.constantFrom('a', 'b', 'c', 'state', 'avgUtil');
const plain = fc.dictionary(key, leaf, { maxKeys: 4 });
const value = fc.oneof(
  leaf,
  plain,
  fc.array(leaf, { maxLength: 4 }),
  plain.map((o) => Object.assign(Object.create(null), o)),
  fc.array(fc.tuple(key, leaf), { maxLength: 3 }).map((entries) => new Map(entries)),
  fc.array(leaf, { maxLength: 3 }).map((items) => new Set(items)),
  fc.constantFrom(new Date(0), new Date(1)),
);
/** A second value near the first: the same, a copy, a copy with one key or item changed. */
const pair = value.chain((a) =>
  fc.oneof(
    fc.constant([a, a] as const),
    fc.constant([
      a,
      Array.isArray(a)
        ? [...a]
        : a && typeof a === 'object' && !(a instanceof Map) && !(a instanceof Set)
          ? { ...a }
          : a,
    ] as const),
    value.map((b) => [a, b] as const),
    key.chain((k) =>
      leaf.map((v) => [a, a && typeof a === 'object' && !Array.isArray(a) ? { ...a, [k]: v } : a] as const),
    ),
  ),
);

describe('shallowEqual (src/state/shallowEqual.ts)', () => {
  it('answers as zustand’s shallow does, on objects, arrays, null prototypes, Maps, Sets and leaves', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        expect(shallowEqual(a, b)).toBe(shallow(a, b));
        expect(shallowEqual(b, a)).toBe(shallow(b, a));
      }),
      { seed: FUZZ.seed, numRuns: 2000 },
    );
  });

  it('tells a changed, added or missing key, and a changed item', () => {
    expect(shallowEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(shallowEqual({ a: 1 }, { a: 2 })).toBe(false);
    expect(shallowEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(shallowEqual({ a: 1, b: undefined }, { a: 1, c: undefined })).toBe(false);
    expect(shallowEqual([1, 2], [1, 2])).toBe(true);
    expect(shallowEqual([1, 2], [1, 3])).toBe(false);
    expect(shallowEqual({ a: [1] }, { a: [1] })).toBe(false);
    expect(shallowEqual({ a: Number.NaN }, { a: Number.NaN })).toBe(true);
  });
});
