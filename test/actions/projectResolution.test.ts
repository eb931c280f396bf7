/** A project as an action sees it: defaults filled, the per-host remote dir, secrets apart; config errors name the field and the fix. */
import { describe, expect, it } from 'vitest';
import { resolveProject } from '../../src/actions/project.js';
import { ConfigError, normalizeConfig } from '../../src/config/load.js';

const project = { local: '/tmp/p', remote: '/w/p', train: 'python t.py' };

describe('project resolution', () => {
  it('fills defaults, takes the per-host remote dir, keeps secret variables out of "env"', () => {
    const cfg = normalizeConfig(
      {
        hosts: ['gpu-a', 'gpu-b'],
        projects: {
          p: {
            ...project,
            env: { A: '1', TOKEN: 's' },
            secretEnv: ['TOKEN'],
            hosts: { 'gpu-b': { remote: '/scratch/p' } },
          },
        },
      },
      '/cfg.json',
    );
    const a = resolveProject(cfg, 'p', 'gpu-a');
    expect(a).toMatchObject({
      remoteDir: '/w/p',
      results: 'outputs',
      checkpoints: 'checkpoint-*',
      resume: null,
      smokeTimeoutSeconds: 300,
      gpus: 'all',
      env: { A: '1' },
      secretNames: ['TOKEN'],
      activation: { kind: 'none' },
    });
    expect(a.logTemplate).toBe('~/.trainyard/runs/{session}.log');
    expect(a.params).toEqual({});
    expect(resolveProject(cfg, 'p', 'gpu-b').remoteDir).toBe('/scratch/p');
  });

  it('names the field and the fix', () => {
    const cfg = normalizeConfig(
      {
        projects: {
          p: { ...project, local: 'rel/dir', resume: '--resume', results: '../up', env: { 'BAD-NAME': 'x' } },
        },
      },
      '/cfg.json',
    );
    expect(() => resolveProject(cfg, 'p', 'local')).toThrow(ConfigError);
    try {
      resolveProject(cfg, 'p', 'local');
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'projects.p.local must be absolute or start with ~ — fix: e.g. "~/p"',
        'projects.p.env.BAD-NAME is not a variable name — fix: letters, digits and _ only, not starting with a digit',
        'projects.p.resume has no {checkpoint} — fix: e.g. "--resume {checkpoint}" (it is replaced by the checkpoint path)',
        'projects.p.results must be a directory inside the project, relative to "remote" — fix: e.g. "outputs"',
      ]);
    }
    // checkpoints are inside each run's directory now: a glob through the results directory is an old config
    const old = normalizeConfig(
      {
        projects: {
          p: { ...project, checkpoints: 'outputs/checkpoint-*', params: { lr: '1', run_dir: 'x', '2x': 'y' } },
        },
      },
      '/cfg.json',
    );
    expect(() => resolveProject(old, 'p', 'local')).toThrow(ConfigError);
    try {
      resolveProject(old, 'p', 'local');
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'projects.p.params.run_dir: "run_dir" is reserved ({run_dir} is filled in by trainyard) — fix: rename it',
        'projects.p.params.2x: "2x" is not a parameter name (letters, digits and _, not starting with a digit) — fix: rename it',
        'projects.p.checkpoints "outputs/checkpoint-*" starts with the results directory "outputs", but checkpoints are looked for inside each run\'s own directory (outputs/<run>/) — fix: "checkpoint-*"',
      ]);
    }
    expect(() => normalizeConfig({ projects: { p: { ...project, gpus: 'most' } } }, '/cfg.json')).toThrow(
      /projects\.p\.gpus "most" is not valid here — fix: which GPUs a launch uses by default/,
    );
  });
});
