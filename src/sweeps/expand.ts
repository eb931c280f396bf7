/**
 * A sweep's parameter sets: the cartesian product of a grid (first axis outermost, like nested
 * loops in the order given), or an explicit list. Values are plain strings, never parsed: they
 * reach the training command as data (one argument each).
 */
import { paramNameProblem } from '../runs/params.js';

export { paramNameProblem };

export type ParamSet = Record<string, string>;

/** A sweep name: a file name on the server and the prefix of its runs' session names. */
export const SWEEP_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

/** More runs than this in one sweep is almost certainly a typo in the grid. */
export const MAX_SWEEP_RUNS = 1000;

/** A sweep that cannot be built, in words: what is wrong and what to do. */
export class SweepError extends Error {
  constructor(
    message: string,
    readonly hint: string | null = null,
  ) {
    super(message);
    this.name = 'SweepError';
  }
}

export interface GridAxis {
  name: string;
  values: string[];
}

export function sweepNameProblem(name: string): string | null {
  return SWEEP_NAME.test(name)
    ? null
    : `"${name}" is not a sweep name: use up to 40 letters, digits, - and _, starting with a letter or digit`;
}

/** `lr=1e-3,3e-4` → {name: "lr", values: ["1e-3", "3e-4"]}. */
export function parseGridFlag(text: string): GridAxis {
  const eq = text.indexOf('=');
  if (eq <= 0)
    throw new SweepError(`--grid "${text}" has no NAME=`, 'write it as --grid NAME=V1,V2, e.g. --grid lr=1e-3,3e-4');
  const name = text.slice(0, eq);
  const problem = paramNameProblem(name);
  if (problem) throw new SweepError(`--grid ${problem}`, 'e.g. --grid lr=1e-3,3e-4');
  const values = text.slice(eq + 1).split(',');
  if (values.some((v) => v === ''))
    throw new SweepError(
      `--grid ${name} has an empty value`,
      `list values separated by commas, e.g. --grid ${name}=1,2,3`,
    );
  return { name, values };
}

/** `lr=1e-3` → ["lr", "1e-3"] (a value may contain = and commas). */
export function parseParamFlag(text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0)
    throw new SweepError(`--param "${text}" has no NAME=`, 'write it as --param NAME=VALUE, e.g. --param epochs=3');
  const name = text.slice(0, eq);
  const problem = paramNameProblem(name);
  if (problem) throw new SweepError(`--param ${problem}`, 'e.g. --param epochs=3');
  return [name, text.slice(eq + 1)];
}

/** Every combination, the first axis outermost. */
export function expandGrid(axes: readonly GridAxis[]): ParamSet[] {
  const seen = new Set<string>();
  for (const a of axes) {
    if (seen.has(a.name))
      throw new SweepError(`the grid names ${a.name} twice`, `give each parameter once: --grid ${a.name}=V1,V2,V3`);
    seen.add(a.name);
    if (a.values.length === 0) throw new SweepError(`the grid gives ${a.name} no values`, `e.g. ${a.name}=1,2`);
  }
  const total = axes.reduce((n, a) => n * a.values.length, axes.length ? 1 : 0);
  if (total > MAX_SWEEP_RUNS)
    throw new SweepError(
      `the grid makes ${total} runs (${axes.map((a) => `${a.values.length} ${a.name}`).join(' × ')}), more than ${MAX_SWEEP_RUNS}`,
      'use fewer values, or split it into several sweeps',
    );
  let sets: ParamSet[] = axes.length ? [{}] : [];
  for (const axis of axes) sets = sets.flatMap((s) => axis.values.map((v) => ({ ...s, [axis.name]: v })));
  return sets;
}

/** Adds fixed params (--param, project defaults) under each set; the set's own values win. */
export function withBase(sets: readonly ParamSet[], base: ParamSet): ParamSet[] {
  return sets.map((s) => {
    const out = { ...s };
    for (const [k, v] of Object.entries(base)) if (!(k in out)) out[k] = v;
    return out;
  });
}

/** Sets repeated within the sweep itself (same values) are kept once, the first time. */
export function uniqueSets(sets: readonly ParamSet[]): { sets: ParamSet[]; repeated: number } {
  const seen = new Set<string>();
  const out: ParamSet[] = [];
  for (const s of sets) {
    const key = JSON.stringify(
      Object.keys(s)
        .sort()
        .map((k) => [k, s[k]]),
    );
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(s);
  }
  return { sets: out, repeated: sets.length - out.length };
}

/**
 * Session names for n new runs: <sweep>-1, <sweep>-2, … skipping any name already in use (a
 * run, a queued entry or a tmux session on any host), so resubmitting a sweep never collides.
 */
export function runIds(sweep: string, n: number, taken: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 1; out.length < n; i++) {
    const id = `${sweep}-${i}`;
    if (!taken.has(id)) out.push(id);
  }
  return out;
}

/** "lr=1e-3 seed=2": a set in one line, for output. */
export function describeSet(set: ParamSet): string {
  const keys = Object.keys(set);
  return keys.length ? keys.map((k) => `${k}=${set[k]}`).join(' ') : '(no parameters)';
}
