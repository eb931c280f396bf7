/**
 * execa, loaded the first time a local program runs rather than at start-up: it is about 110
 * modules (70 ms to load), and the cockpit runs no local program until an action does
 * (BENCHMARKS.md, start-up).
 */
export const loadExeca = (): Promise<typeof import('execa')> => import('execa');
