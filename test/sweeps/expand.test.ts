import { describe, expect, it } from 'vitest';
import { ConfigError, normalizeConfig } from '../../src/config/load.js';
import {
  expandGrid,
  MAX_SWEEP_RUNS,
  parseGridFlag,
  parseParamFlag,
  runIds,
  SweepError,
  uniqueSets,
} from '../../src/sweeps/expand.js';
import { resolveSweep } from '../../src/sweeps/spec.js';

const project = { local: '/tmp/p', remote: '/w/p', train: 'python train.py --lr {lr} --seed {seed}' };

function config(extra: Record<string, unknown> = {}) {
  return normalizeConfig({ hosts: ['gpu-a', 'gpu-b'], projects: { mnist: project }, ...extra }, 'test.json');
}

function problems(raw: Record<string, unknown>): string[] {
  try {
    config(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('sweep expansion', () => {
  it('makes the cartesian product, the first axis outermost, values untouched', () => {
    const sets = expandGrid([parseGridFlag('lr=1e-3,3e-4'), parseGridFlag('seed=1,2,3')]);
    expect(sets).toEqual([
      { lr: '1e-3', seed: '1' },
      { lr: '1e-3', seed: '2' },
      { lr: '1e-3', seed: '3' },
      { lr: '3e-4', seed: '1' },
      { lr: '3e-4', seed: '2' },
      { lr: '3e-4', seed: '3' },
    ]);
  });

  it('keeps hostile values as plain strings (they are data for the launch)', () => {
    const [axis] = [parseGridFlag('tag=$(touch x),a;b')];
    expect(axis.values).toEqual(['$(touch x)', 'a;b']);
    expect(parseParamFlag('note=a=b,c')).toEqual(['note', 'a=b,c']);
  });

  it('rejects bad names, empty values, a name given twice and a runaway grid, saying how to fix it', () => {
    expect(() => parseGridFlag('1lr=1')).toThrow(/not a parameter name/);
    expect(() => parseGridFlag('lr')).toThrow(SweepError);
    expect(() => parseGridFlag('lr=1,,2')).toThrow(/empty value/);
    expect(() => expandGrid([parseGridFlag('lr=1'), parseGridFlag('lr=2')])).toThrow(/twice/);
    const big = Array.from({ length: 11 }, (_, i) => parseGridFlag(`p${i}=1,2`));
    expect(() => expandGrid(big)).toThrow(new RegExp(`2048 runs .*more than ${MAX_SWEEP_RUNS}`));
  });

  it('drops sets repeated within the sweep and counts them', () => {
    const { sets, repeated } = uniqueSets([{ a: '1', b: '2' }, { b: '2', a: '1' }, { a: '2' }]);
    expect(sets).toEqual([{ a: '1', b: '2' }, { a: '2' }]);
    expect(repeated).toBe(1);
  });

  it('names runs <sweep>-<n>, skipping names in use', () => {
    expect(runIds('lr', 3, new Set(['lr-2']))).toEqual(['lr-1', 'lr-3', 'lr-4']);
  });
});

describe('sweep spec', () => {
  it('from flags: grid, fixed params under each set, hosts in the order given, defaults', () => {
    const spec = resolveSweep(config(), {
      target: 'mnist',
      grid: ['lr=1e-3,3e-4'],
      params: ['seed=7'],
      hosts: ['gpu-b', 'gpu-a'],
      maxParallel: 2,
      name: 'scan',
    });
    expect(spec).toMatchObject({
      name: 'scan',
      project: 'mnist',
      paramSets: [
        { seed: '7', lr: '1e-3' },
        { seed: '7', lr: '3e-4' },
      ],
      hosts: ['gpu-b', 'gpu-a'],
      gpusPerRun: 1,
      maxParallel: 2,
      failLimit: 3,
      share: false,
    });
  });

  it('without --name a fresh name from the project; without a grid a clear error', () => {
    expect(resolveSweep(config(), { target: 'mnist', grid: ['lr=1'] }).name).toMatch(/^mnist-[0-9a-f]{4}$/);
    expect(() => resolveSweep(config(), { target: 'mnist' })).toThrow(/needs parameters/);
    expect(() => resolveSweep(config(), { target: 'mnsit', grid: ['lr=1'] })).toThrow(/neither a project nor a sweep/);
    expect(() => resolveSweep(config(), { target: 'mnist', grid: ['lr=1'], hosts: ['gpu-c'] })).toThrow(/gpu-c/);
    expect(() => resolveSweep(config(), { target: 'mnist', grid: ['lr=1'], name: 'a b' })).toThrow(/sweep name/);
    expect(() => resolveSweep(config(), { target: 'mnist', grid: ['lr=1'], gpusPerRun: 0 })).toThrow(/--gpus-per-run/);
  });

  it('from a config entry: grid or runs, numbers as strings, its hosts and limits', () => {
    const c = config({
      sweeps: {
        scan: {
          project: 'mnist',
          grid: { lr: ['1e-3', 0.5], seed: [1, 2] },
          hosts: ['gpu-b'],
          maxParallel: 3,
          failLimit: 2,
        },
        pick: { project: 'mnist', runs: [{ lr: '1e-3', layers: 4 }, { lr: '3e-4' }], freeMemoryMiB: 2000 },
      },
      projects: { mnist: { ...project, shareGpus: true } },
    });
    const scan = resolveSweep(c, { target: 'scan' });
    expect(scan.name).toBe('scan');
    expect(scan.paramSets).toHaveLength(4);
    expect(scan.paramSets[2]).toEqual({ lr: '0.5', seed: '1' });
    expect(scan).toMatchObject({ hosts: ['gpu-b'], maxParallel: 3, failLimit: 2, share: true });
    const pick = resolveSweep(c, { target: 'pick', maxParallel: 1 });
    expect(pick.paramSets).toEqual([{ lr: '1e-3', layers: '4' }, { lr: '3e-4' }]);
    expect(pick).toMatchObject({ hosts: ['gpu-a', 'gpu-b'], maxParallel: 1, freeMemoryMiB: 2000 });
  });
});

describe('sweeps in the config', () => {
  it('names the field and the fix: unknown keys, project, hosts, grid or runs, names', () => {
    expect(problems({ sweeps: { s: { project: 'mnist', grid: { lr: ['1'] }, maxParalel: 2 } } })).toEqual([
      '"maxParalel" is not a key of sweeps.s — did you mean "maxParallel"?',
    ]);
    expect(problems({ sweeps: { s: { project: 'mnsit', grid: { lr: ['1'] } } } })).toEqual([
      'sweeps.s.project is "mnsit", which is not in "projects" — did you mean "mnist"?',
    ]);
    expect(problems({ sweeps: { s: { project: 'mnist', grid: { lr: ['1'] }, hosts: ['gpu-aa'] } } })).toEqual([
      'sweeps.s.hosts has "gpu-aa", which is not in "hosts" — did you mean "gpu-a"?',
    ]);
    expect(problems({ sweeps: { s: { project: 'mnist' } } })[0]).toMatch(
      /^sweeps\.s needs exactly one of "grid" and "runs" — fix:/,
    );
    expect(problems({ sweeps: { s: { project: 'mnist', grid: { 'l-r': ['1'] } } } })[0]).toMatch(
      /"l-r" is not a parameter name/,
    );
    expect(problems({ sweeps: { 'a b': { project: 'mnist', runs: [{}] } } })[0]).toMatch(
      /^sweeps\.a b: "a b" is not a sweep name/,
    );
    expect(problems({ sweeps: { s: { project: 'mnist', grid: { lr: [] } } } })[0]).toMatch(/^sweeps\.s\.grid\.lr /);
    expect(problems({ projects: { mnist: { ...project, shareGPUs: true } } })).toEqual([
      '"shareGPUs" is not a key of projects.mnist — did you mean "shareGpus"?',
    ]);
  });
});
