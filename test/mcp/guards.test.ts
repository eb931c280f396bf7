/** The "agent" config section and the guard rails built on it: each refusal names the key that allows it. */
import { describe, expect, it } from 'vitest';
import { ConfigError, normalizeConfig } from '../../src/config/load.js';
import { checkAction, checkGpus, checkRuns, gpusTaken, Refusal } from '../../src/mcp/guards.js';

const project = { local: '/tmp/p', remote: '~/p', train: 'python train.py' };
const config = (agent?: unknown) =>
  normalizeConfig(
    { hosts: ['gpu-a', 'gpu-b'], projects: { p: project, q: project }, ...(agent === undefined ? {} : { agent }) },
    'cfg.json',
  );

function problems(agent: unknown): string[] {
  try {
    config(agent);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function refusal(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof Refusal) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('agent config', () => {
  it('defaults to read-only: no action allowed, every host and project, no caps', () => {
    expect(config().agent).toEqual({ allow: [], hosts: null, projects: null, maxGpus: null, maxRuns: null });
    const full = config({ allow: ['sync', 'launch'], hosts: ['gpu-a'], projects: ['p'], maxGpus: 2, maxRuns: 3 }).agent;
    expect(full).toEqual({ allow: ['sync', 'launch'], hosts: ['gpu-a'], projects: ['p'], maxGpus: 2, maxRuns: 3 });
  });

  it('is strict: unknown keys, unknown tools, hosts and projects not configured are errors with the fix', () => {
    expect(problems({ allows: ['sync'] }).join('\n')).toContain('allows');
    expect(problems({ allow: ['shell'] }).join('\n')).toMatch(/agent\.allow/);
    expect(problems({ hosts: ['gpu-z'] })).toEqual([
      'agent.hosts names "gpu-z", which is not in "hosts" — fix: add it to "hosts" or remove it from agent.hosts',
    ]);
    expect(problems({ projects: ['nope'] })[0]).toContain('fix: add the project or remove it from agent.projects');
    expect(problems({ maxGpus: 0 }).join('\n')).toMatch(/maxGpus/);
  });
});

describe('guard rails', () => {
  const req = { tool: 'launch' as const, host: 'gpu-a', project: 'p', confirm: true };

  it('refuses a tool not in agent.allow, naming the key', () => {
    expect(refusal(() => checkAction(config(), req, { needConfirm: true }))).toContain(
      'adding "launch" to "agent": {"allow": [...]} in cfg.json',
    );
  });

  it('refuses hosts and projects outside the lists, and changes without confirm', () => {
    const c = config({ allow: ['launch'], hosts: ['gpu-a'], projects: ['p'] });
    expect(() => checkAction(c, req, { needConfirm: true })).not.toThrow();
    expect(refusal(() => checkAction(c, { ...req, host: 'gpu-b' }, { needConfirm: true }))).toContain(
      '"agent": {"hosts": [...]}',
    );
    expect(refusal(() => checkAction(c, { ...req, host: 'gpu-c' }, { needConfirm: true }))).toContain(
      'not a configured host',
    );
    expect(refusal(() => checkAction(c, { ...req, project: 'q' }, { needConfirm: true }))).toContain(
      '"agent": {"projects": [...]}',
    );
    expect(refusal(() => checkAction(c, { ...req, confirm: false }, { needConfirm: true }))).toContain(
      '"confirm": true',
    );
    expect(() => checkAction(c, { ...req, confirm: false }, { needConfirm: false })).not.toThrow();
  });

  it('counts GPUs of a choice and caps them with agent.maxGpus', () => {
    expect(gpusTaken('all', 8)).toBe(8);
    expect(gpusTaken('all', null)).toBeNull();
    expect(gpusTaken('0,2,2', null)).toBe(2);
    expect(gpusTaken('least-used', null)).toBe(1);
    expect(gpusTaken('least-used:3', null)).toBe(3);
    const c = config({ allow: ['launch'], maxGpus: 2 });
    expect(() => checkGpus(c, 'launch', '0,1', 4)).not.toThrow();
    expect(refusal(() => checkGpus(c, 'launch', 'all', 4))).toContain('"agent": {"maxGpus": 4}');
    expect(refusal(() => checkGpus(c, 'launch', 'all', null))).toContain('least-used:2');
    expect(() => checkGpus(config(), 'launch', 'all', null)).not.toThrow();
  });

  it('caps running runs per host with agent.maxRuns', () => {
    const c = config({ allow: ['launch'], maxRuns: 2 });
    expect(() => checkRuns(c, 'launch', 'gpu-a', 1)).not.toThrow();
    expect(refusal(() => checkRuns(c, 'launch', 'gpu-a', 2))).toContain('"agent": {"maxRuns": 3}');
  });
});
