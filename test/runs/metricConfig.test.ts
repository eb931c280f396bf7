import { describe, expect, it } from 'vitest';
import { ConfigError, normalizeConfig } from '../../src/config/load.js';
import { primaryMetricOf } from '../../src/runs/compareRead.js';

const project = (metric: unknown) => ({
  projects: { p: { local: '/tmp/p', remote: '~/p', train: 'python3 t.py', metric } },
});

function problems(raw: unknown): string[] {
  try {
    normalizeConfig(raw, 'test.json');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the project\'s primary metric ("metric")', () => {
  it('is read with its goal (min when left out)', () => {
    const config = normalizeConfig(project({ name: 'val_acc', goal: 'max' }), 'test.json');
    expect(primaryMetricOf(config, 'p')).toEqual({ name: 'val_acc', goal: 'max' });
    expect(primaryMetricOf(normalizeConfig(project({ name: 'val_loss' }), 't.json'), 'p')).toEqual({
      name: 'val_loss',
      goal: 'min',
    });
    expect(primaryMetricOf(normalizeConfig(project(undefined), 't.json'), 'p')).toBeNull();
  });

  it('is strict: a wrong goal, a missing name or an unknown key names the field', () => {
    expect(problems(project({ name: 'val_loss', goal: 'lowest' })).join('\n')).toMatch(/projects\.p\.metric\.goal/);
    expect(problems(project({ goal: 'min' })).join('\n')).toMatch(/projects\.p\.metric.*name/);
    expect(problems(project({ name: 'x', direction: 'min' })).join('\n')).toMatch(/direction/);
  });
});
