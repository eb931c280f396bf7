/** A small deterministic generator: random(seed)(n) is an integer in [0, n), the same sequence every run. */
export function random(seed: number): (n: number) => number {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % n;
  };
}
