import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, normalizeConfig } from '../../src/config/load.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ty-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
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
    const config = loadConfig(
      write('min.json', JSON.stringify({ hosts: ['gpu-a', 'gpu-b'], sshConfig: '/path/to/ssh_config' })),
    );
    expect(config.hosts.map((h) => h.alias)).toEqual(['gpu-a', 'gpu-b']);
    expect(config.sshConfig).toBe('/path/to/ssh_config');
    expect(config.refreshSeconds).toBe(1);
    expect(config.keepalive).toEqual({ intervalSeconds: 10, countMax: 3 });
    expect(config.trustNewHostKeys).toBe(false);
  });

  it('accepts the projects shape from the actions issue, and a $schema key for editors', () => {
    const config = normalizeConfig(
      {
        $schema: './schema.json',
        hosts: ['a'],
        projects: {
          mnist: {
            local: '~/p',
            remote: '/work/mnist',
            train: 'python train.py',
            smoke: 'python train.py --epochs 1',
            checkpoints: 'outputs/checkpoint-*',
            resume: '--resume {checkpoint}',
            results: 'outputs',
          },
        },
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
      expect((error as ConfigError).message).toMatch(
        new RegExp(`config error in ${file}:\\n  - the file is not valid JSON: .*(']'|line \\d+).* — fix:`),
      );
    }
  });

  it('explains a --config path that does not exist', () => {
    expect(() => loadConfig(path.join(dir, 'nope.json'))).toThrow(
      /does not exist — fix: check the path given to --config/,
    );
  });

  it('config/example.json is valid', () => {
    expect(
      loadConfig(path.join(import.meta.dirname, '..', '..', 'config', 'example.json')).hosts.length,
    ).toBeGreaterThan(0);
  });
});

const project = { local: '/p', remote: '/w', train: 'python train.py' };

describe('config: unknown keys are errors with the closest valid key', () => {
  it('at the top level', () => {
    expect(problems({ hots: ['gpu-a'] })).toEqual(['"hots" is not a key — did you mean "hosts"?']);
    expect(problems({ hosts: ['a'], trustNewHostkeys: true })).toEqual([
      '"trustNewHostkeys" is not a key — did you mean "trustNewHostKeys"?',
    ]);
    expect(problems({ refreshSecond: 2 })).toEqual(['"refreshSecond" is not a key — did you mean "refreshSeconds"?']);
  });

  it('in a project, naming where', () => {
    expect(problems({ projects: { mnist: { ...project, exclud: ['data/'] } } })).toEqual([
      '"exclud" is not a key of projects.mnist — did you mean "exclude"?',
    ]);
    expect(problems({ projects: { mnist: { ...project, secretENV: ['WANDB_API_KEY'] } } })).toEqual([
      '"secretENV" is not a key of projects.mnist — did you mean "secretEnv"?',
    ]);
    expect(problems({ projects: { mnist: { ...project, chekpoints: 'c-*' } } })).toEqual([
      '"chekpoints" is not a key of projects.mnist — did you mean "checkpoints"?',
    ]);
  });

  it('in nested objects: autoRestart, keepalive, per-host overrides, host objects', () => {
    expect(problems({ projects: { mnist: { ...project, autoRestart: { enable: true } } } })).toEqual([
      '"enable" is not a key of projects.mnist.autoRestart — did you mean "enabled"?',
    ]);
    expect(problems({ keepalive: { interval: 5 } })).toEqual([
      '"interval" is not a key of keepalive — did you mean "intervalSeconds"?',
    ]);
    expect(problems({ projects: { mnist: { ...project, hosts: { 'gpu-b': { remot: '/scratch' } } } } })).toEqual([
      '"remot" is not a key of projects.mnist.hosts.gpu-b — did you mean "remote"?',
    ]);
    expect(problems({ hosts: [{ alias: 'gpu-a', lable: 'box' }] })).toEqual([
      '"lable" is not a key of hosts[0] — did you mean "label"?',
    ]);
  });

  it('lists the valid keys when nothing is close', () => {
    const [p] = problems({ keepalive: { zzzzzzzz: 1 } });
    expect(p).toBe('"zzzzzzzz" is not a key of keepalive — fix: remove it, or use one of: intervalSeconds, countMax');
  });

  it('reports every unknown key at once, with other problems', () => {
    const list = problems({
      hots: [],
      projects: { a: { ...project, exclud: [] }, b: { ...project, venvv: 'x' } },
      refreshSeconds: 0,
    });
    expect(list).toHaveLength(4);
    expect(list.join('\n')).toMatch(/"venvv" is not a key of projects\.b — did you mean "venv"\?/);
  });
});

describe('config: host aliases as ssh would accept them', () => {
  const aliasProblem = (alias: unknown) => problems({ hosts: [alias] });
  it('refuses an alias ssh would read as an option', () => {
    expect(aliasProblem('-V')).toEqual([
      expect.stringMatching(
        /^hosts\[0\] "-V" starts with "-", which ssh would read as an option — fix: list the Host alias from your ssh_config/,
      ),
    ]);
    expect(aliasProblem({ alias: '-oProxyCommand=x' })[0]).toMatch(
      /^hosts\[0\]\.alias "-oProxyCommand=x" starts with "-"/,
    );
  });
  it('refuses gpu:a with a fix', () => {
    expect(aliasProblem('gpu:a')).toEqual([
      'hosts[0] "gpu:a" contains ":", which rsync and scp read as host:path — fix: give the host an alias without ":" in your ssh_config (Host gpu-a) and list that',
    ]);
  });
  it('refuses user@host, whitespace, control characters and shell characters', () => {
    expect(aliasProblem('me@gpu')[0]).toMatch(
      /"me@gpu" contains "@", so ssh would take "me" as the login name — fix: put "User me"/,
    );
    expect(aliasProblem('gpu a')[0]).toMatch(/contains whitespace or a control character/);
    expect(aliasProblem('gpu\u001b[31m')[0]).toMatch(/"gpu\\u001b\[31m" contains whitespace or a control character/);
    expect(aliasProblem("gpu'a")[0]).toMatch(/contains "'", which ssh does not accept in a host name/);
    expect(aliasProblem('gpu,a')[0]).toMatch(/contains ","/);
    expect(aliasProblem('')[0]).toMatch(/^hosts\[0\] is empty — fix:/);
  });
  it('accepts ordinary aliases', () => {
    expect(
      normalizeConfig({ hosts: ['gpu-a', 'gpu_b.lab', 'node+1', 'local', { alias: 'A100x8' }] }, 'x').hosts,
    ).toHaveLength(5);
  });
});

describe('config: ~user in paths', () => {
  it('expands ~user to that user’s home', () => {
    expect(normalizeConfig({ sshConfig: '~root/.ssh/config' }, 'x').sshConfig).toMatch(/^\/.*\/\.ssh\/config$/);
    expect(normalizeConfig({ sshConfig: '~root/.ssh/config' }, 'x').sshConfig).not.toContain('~');
  });
  it('refuses a user that does not exist, naming the field', () => {
    expect(problems({ sshConfig: '~nobody-ty-x/.ssh/config' })).toEqual([
      expect.stringMatching(
        /^sshConfig "~nobody-ty-x\/\.ssh\/config" starts with ~nobody-ty-x, but this machine has no user "nobody-ty-x" — fix: write the full path/,
      ),
    ]);
    expect(problems({ projects: { m: { ...project, local: '~ghost-ty/m', envFile: '~ghost-ty/.env' } } })).toEqual([
      expect.stringMatching(/^projects\.m\.local "~ghost-ty\/m" starts with ~ghost-ty/),
      expect.stringMatching(/^projects\.m\.envFile "~ghost-ty\/\.env"/),
    ]);
  });
});

describe('config: schema messages in words', () => {
  it('a value of the wrong form says what the form is, not a regular expression', () => {
    expect(problems({ alertWebhook: 'ntfy.sh/topic' })).toEqual([
      expect.stringMatching(
        /^alertWebhook "ntfy\.sh\/topic" is not valid here — fix: a URL .*e\.g\. "https:\/\/ntfy\.sh\/my-topic"/,
      ),
    ]);
    expect(problems({ projects: { m: { ...project, secretEnv: ['WANDB-KEY'] } } })).toEqual([
      expect.stringMatching(/^projects\.m\.secretEnv\[0\] "WANDB-KEY" is not valid here — fix: a variable name/),
    ]);
    expect(problems({ projects: { m: { ...project, gpus: 'some' } } })[0]).toMatch(
      /^projects\.m\.gpus "some" is not valid here — fix: which GPUs/,
    );
    expect(problems({ projects: { m: { ...project, train: '' } } })[0]).toMatch(
      /^projects\.m\.train is empty — fix: the training command/,
    );
    expect(problems({ projects: { m: { ...project, env: { A: 1 } } } })[0]).toMatch(
      /^projects\.m\.env\.A must be string — fix: each value is a string/,
    );
  });
});

describe('config: per-host overrides name listed hosts', () => {
  it('an override for a host that is not in "hosts" is an error with the closest host', () => {
    expect(
      problems({
        hosts: ['gpu-a', 'gpu-b'],
        projects: { m: { ...project, hosts: { 'gpu-c': { remote: '/scratch/m' } } } },
      }),
    ).toEqual(['projects.m.hosts has "gpu-c", which is not in "hosts" — did you mean "gpu-a"?']);
    expect(
      problems({ hosts: ['gpu-a'], projects: { m: { ...project, hosts: { 'cluster-login': { remote: '/s' } } } } }),
    ).toEqual(['projects.m.hosts has "cluster-login", which is not in "hosts" — fix: use one of: gpu-a']);
    expect(
      normalizeConfig(
        { hosts: ['gpu-a', 'gpu-b'], projects: { m: { ...project, hosts: { 'gpu-b': { remote: '/s' } } } } },
        'x',
      ).projects.m.hosts,
    ).toEqual({ 'gpu-b': { remote: '/s' } });
  });
});
