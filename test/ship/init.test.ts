import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TmuxTerminal } from '../e2e/terminal.js';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`integration tests cannot run in CI: ${can.reason}`);
const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');

/** `trainyard init` against the lab's ssh_config: real sshd, real ssh -G, real nvidia-smi fake and tmux. */
describe.skipIf(!can.ok)('trainyard init against real hosts', () => {
  let hosts: TestHosts;
  let sshConfig: string;

  beforeAll(async () => {
    hosts = await startTestHosts({
      count: 3,
      gpu: [{ mode: 'load', count: 2 }, { mode: 'idle' }, { mode: 'nodevices' }],
    });
    // the user's ssh_config: a wildcard block, the lab's hosts through an Include, a pattern host
    sshConfig = path.join(hosts.dir, 'user_ssh_config');
    writeFileSync(
      sshConfig,
      `Host *\n  ServerAliveInterval 30\n\nInclude ${hosts.sshConfigPath}\n\nHost *.internal !gpu-9\n  User nobody\n`,
    );
  });
  afterAll(async () => hosts?.stop());

  it('--yes takes every host that answers, leaves the one that is down out and says why, and the config works', async () => {
    const config = path.join(hosts.dir, 'yes', 'config.json');
    await hosts.host('gpu-2').stopSshd();
    let r;
    try {
      r = await execa(
        'node',
        [BIN, 'init', '--yes', '--ssh-config', sshConfig, '--config', config, '--timeout', '15'],
        { reject: false },
      );
    } finally {
      await hosts.host('gpu-2').startSshd();
    }
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`Read ${sshConfig} (and 1 included file): 3 hosts: gpu-1, gpu-2, gpu-3.`);
    expect(r.stdout).toContain(
      'Not hosts: * (a pattern, not a host), *.internal (a pattern, not a host), !gpu-9 (a negation, not a host).',
    );
    expect(r.stdout).toMatch(/ok {2}gpu-1 {2}tytest@10\.231\.\d+\.11:22 {2}2 GPUs \(NVIDIA H100 80GB HBM3\), tmux \d/);
    expect(r.stdout).toMatch(/ok {2}gpu-3 {2}\S+ {2}no GPU \(No devices were found\), tmux \d/);
    expect(r.stdout).toMatch(/-- {2}gpu-2 {2}no answer: unreachable: connection refused/);
    expect(r.stdout).toContain(`Wrote ${config}: hosts gpu-1, gpu-3; sshConfig ${sshConfig}.`);
    expect(r.stdout).toMatch(/Left out gpu-2: no answer — unreachable: connection refused/);
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ hosts: ['gpu-1', 'gpu-3'], sshConfig });
    expect(statSync(config).mode & 0o777).toBe(0o600);

    const status = await execa('node', [BIN, 'status', '--json', '--config', config], { reject: false });
    expect(status.exitCode).toBe(0);
    expect(
      JSON.parse(status.stdout).hosts.map((h: { alias: string; state: string }) => `${h.alias} ${h.state}`),
    ).toEqual(['gpu-1 connected', 'gpu-3 connected']);

    // a second run never overwrites it
    const again = await execa('node', [BIN, 'init', '--yes', '--ssh-config', sshConfig, '--config', config], {
      reject: false,
    });
    expect(again.exitCode).toBe(1);
    expect(again.stdout).toContain(`${config} already exists and init --yes never overwrites it`);
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ hosts: ['gpu-1', 'gpu-3'], sshConfig });
  });

  it('without a terminal and without --yes it asks for one; a missing ssh_config is named with the fix', async () => {
    const noTty = await execa(
      'node',
      [BIN, 'init', '--ssh-config', sshConfig, '--config', path.join(hosts.dir, 'never.json')],
      { reject: false, input: '' },
    );
    expect(noTty.exitCode).toBe(2);
    expect(noTty.stderr).toMatch(/run it in a terminal, or pass --yes/);
    const missing = await execa(
      'node',
      [
        BIN,
        'init',
        '--yes',
        '--ssh-config',
        path.join(hosts.dir, 'nope'),
        '--config',
        path.join(hosts.dir, 'never.json'),
      ],
      { reject: false },
    );
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toMatch(/there is no ssh_config at .*nope — fix: add a "Host gpu-a" block/);
  });

  it('in a terminal: the picker, keys as typed on a phone, a project from the git repository, and an existing config only updated after asking', async () => {
    const repo = path.join(hosts.dir, 'demo-model');
    mkdirSync(repo);
    execFileSync('git', ['init', '-q', repo]);
    const config = path.join(hosts.dir, 'tty', 'config.json');
    mkdirSync(path.dirname(config));
    writeFileSync(
      config,
      JSON.stringify({ hosts: [{ alias: 'gpu-1', label: 'big box' }, 'old-host'], refreshSeconds: 2 }),
    );
    const term = new TmuxTerminal(60, 30);
    // the screen with lines the terminal wrapped joined again (long questions wrap at 60 columns)
    const flat = () => term.tmux('capture-pane', '-p', '-J', '-t', 'e2e');
    try {
      term.start(`cd ${repo} && node ${BIN} init --ssh-config ${sshConfig} --config ${config}`, {
        PATH: process.env.PATH!,
      });
      await term.waitFor((t) => /3 picked/.test(t), 60_000, 'the picker with every host picked');
      expect(term.text()).toMatch(/> 1 \[x\] gpu-1/);
      term.send('j', '3', 'k', 'k');
      // rows toggled: gpu-3 (digit 3) off; the cursor is back on the first row
      await term.waitFor(
        (t) => /2 picked/.test(t) && / {2}3 \[ \] gpu-3/.test(t) && /> 1 \[x\] gpu-1/.test(t),
        20_000,
        'gpu-3 unpicked',
      );
      term.send('Enter');
      await term.waitFor(
        () => /exists\. Replace its hosts and sshConfig \(keeping everything else\)\? \[y\/N\]/.test(flat()),
        20_000,
        'the overwrite question',
      );
      term.send('y');
      await term.waitFor(
        () => flat().includes(`Add a project for the git repository ${repo}? [Y/n]`),
        20_000,
        'the project question',
      );
      term.send('Enter');
      await term.waitFor((t) => /Project name \[demo-model\]:\s*$/m.test(t), 20_000, 'the name question');
      term.send('Enter');
      await term.waitFor((t) => /Remote directory \[~\/demo-model\]:\s*$/m.test(t), 20_000, 'the remote question');
      term.send('-l', '/work/demo');
      term.send('Enter');
      await term.waitFor(
        (t) => /e\.g\. python train\.py --config configs\/exp1\.yaml/.test(flat()) && /Train command:\s*$/m.test(t),
        20_000,
        'the train question with its example',
      );
      term.send('-l', 'python train.py --epochs 3');
      term.send('Enter');
      await term.waitFor((t) => /Smoke command:\s*$/m.test(t), 20_000, 'the smoke question');
      term.send('-l', 'python train.py --epochs 1 --subset 10');
      term.send('Enter');
      await term.waitFor((t) => /\[exit 0\]/.test(t), 20_000, 'init to finish');
      expect(flat()).toContain('project demo-model');
    } finally {
      term.stop();
    }
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({
      hosts: [{ alias: 'gpu-1', label: 'big box' }, 'gpu-2'],
      refreshSeconds: 2,
      sshConfig,
      projects: {
        'demo-model': {
          local: repo,
          remote: '/work/demo',
          train: 'python train.py --epochs 3',
          smoke: 'python train.py --epochs 1 --subset 10',
        },
      },
    });
  });
});
