import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, normalizeConfig } from '../../src/config/load.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ty-config-'));
function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}
function problems(raw: unknown): string[] {
  try {
    normalizeConfig(raw, 'test.json');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('accepts the minimal shape from the issue and fills defaults', () => {
    const config = loadConfig(write('min.json', JSON.stringify({ hosts: ['gpu-a', 'gpu-b'], sshConfig: '/path/to/ssh_config' })));
    expect(config.hosts.map((h) => h.alias)).toEqual(['gpu-a', 'gpu-b']);
    expect(config.sshConfig).toBe('/path/to/ssh_config');
    expect(config.refreshSeconds).toBe(1);
    expect(config.keepalive).toEqual({ intervalSeconds: 10, countMax: 3 });
    expect(config.trustNewHostKeys).toBe(false);
  });

  it('accepts the projects shape from the actions issue, and unknown keys', () => {
    const config = normalizeConfig(
      {
        hosts: ['a'],
        futureKey: 1,
        projects: { mnist: { local: '~/p', remote: '/work/mnist', train: 'python train.py', smoke: 'python train.py --epochs 1', checkpoints: 'outputs/checkpoint-*', resume: '--resume {checkpoint}', results: 'outputs' } },
      },
      'x.json',
    );
    expect(config.projects.mnist.resume).toBe('--resume {checkpoint}');
  });

  it('shows the local machine when no hosts are configured', () => {
    expect(normalizeConfig({}, 'x.json').hosts).toEqual([{ alias: 'local' }]);
  });

  it('expands ~ in sshConfig', () => {
    expect(normalizeConfig({ sshConfig: '~/.ssh/other' }, 'x').sshConfig).toMatch(/^\/.*\/\.ssh\/other$/);
  });

  it('names the field and the fix for a wrong type', () => {
    const [p] = problems({ hosts: 'gpu-a' });
    expect(p).toMatch(/^hosts must be array — fix: .*"hosts": \["gpu-a", "gpu-b"\]/);
  });

  it('names the array index of a bad host', () => {
    const list = problems({ hosts: ['ok', 3, 'bad host; rm'] });
    expect(list.some((p) => p.startsWith('hosts[1]'))).toBe(true);
    expect(list.some((p) => p.startsWith('hosts[2]'))).toBe(true);
    expect(list.join('\n')).toMatch(/fix: each host is an ssh_config alias/);
  });

  it('names a missing project field', () => {
    const list = problems({ projects: { mnist: { local: '~/p', remote: '/w' } } });
    expect(list).toEqual([expect.stringMatching(/^projects\.mnist\.train is missing — fix: add the training command/)]);
  });

  it('says what range a number must be in', () => {
    expect(problems({ refreshSeconds: 0 })[0]).toMatch(/^refreshSeconds must be >= 0.2 — fix: .*between 0.2 and 60/);
  });

  it('rejects a host listed twice', () => {
    expect(problems({ hosts: ['a', 'a'] })[0]).toMatch(/hosts\[1\] repeats "a"/);
  });

  it('reports broken JSON with what is wrong, not a stack trace', () => {
    const file = write('broken.json', '{"hosts": ["a",]}');
    expect(() => loadConfig(file)).toThrow(ConfigError);
    expect(() => loadConfig(write('trunc.json', '{\n  "hosts": ["a"\n'))).toThrow(/line 3|end of JSON/);
    try {
      loadConfig(file);
    } catch (error) {
      expect((error as ConfigError).message).toMatch(new RegExp(`config error in ${file}:\\n  - the file is not valid JSON: .*(']'|line \\d+).* — fix:`));
    }
  });

  it('explains a --config path that does not exist', () => {
    expect(() => loadConfig(path.join(dir, 'nope.json'))).toThrow(/does not exist — fix: check the path given to --config/);
  });
});
