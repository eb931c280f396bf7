import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshConnection } from '../../src/ssh/connection.js';
import { canRunTestHosts, startTestHosts, type TestHost, type TestHosts } from '../harness/testHosts.js';
import { FAST_BACKOFF } from './fleetHelpers.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`integration tests cannot run in CI: ${can.reason}`);

describe.skipIf(!can.ok)('host keys fail closed, global known_hosts, hashed entries (real sshd)', () => {
  let lab: TestHosts;
  let host: TestHost;
  let dir: string;
  let n = 0;

  beforeAll(async () => {
    lab = await startTestHosts({ count: 1, knownHosts: 'none' });
    host = lab.hosts[0];
    dir = mkdtempSync(path.join(tmpdir(), 'ty-hostkeys-'));
  });
  afterAll(async () => {
    await lab?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const name = () => (host.port === 22 ? host.address : `[${host.address}]:${host.port}`);
  const realKey = () => host.hostPublicKey;
  const wrongKey = () => {
    const f = path.join(dir, 'wrong_key');
    if (!existsSync(f)) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', f]);
    return readFileSync(`${f}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
  };

  /** A fresh ssh_config with its own user and global known_hosts files. */
  function setup(opts: { user?: string; global?: string; userPath?: string; extra?: string[] } = {}) {
    const d = path.join(dir, `case${++n}`);
    mkdirSync(d);
    const userKh = opts.userPath ?? path.join(d, 'known_hosts');
    const globalKh = path.join(d, 'ssh_known_hosts');
    if (opts.user !== undefined) writeFileSync(userKh, opts.user);
    if (opts.global !== undefined) writeFileSync(globalKh, opts.global);
    const config = path.join(d, 'ssh_config');
    writeFileSync(
      config,
      [
        'Host target',
        `  HostName ${host.address}`,
        `  Port ${host.port}`,
        `  User ${lab.user}`,
        `  IdentityFile ${lab.identityFile}`,
        '  IdentitiesOnly yes',
        '  IdentityAgent none',
        `  UserKnownHostsFile ${userKh}`,
        `  GlobalKnownHostsFile ${globalKh}`,
        '  StrictHostKeyChecking yes',
        '  BatchMode yes',
        ...(opts.extra ?? []).map((l) => `  ${l}`),
        '',
      ].join('\n'),
    );
    return { config, userKh, globalKh };
  }

  async function connectOnce(sshConfig: string, trustNewHostKeys: boolean) {
    const c = new SshConnection({
      alias: 'target',
      sshConfig,
      keepalive: { intervalSeconds: 1, countMax: 2 },
      trustNewHostKeys,
      backoff: FAST_BACKOFF,
    });
    const settled = new Promise<string>((resolve) =>
      c.on('state', (i) => i.state !== 'connecting' && resolve(i.state)),
    );
    c.start();
    const state = await settled;
    const info = c.info;
    c.close();
    return { state, info };
  }

  it('refuses, even with trustNewHostKeys, when a file needs ssh-keygen and it is not on PATH — and appends nothing', async () => {
    // a pattern line: only ssh-keygen judges such a file (plain and hashed entries are read in-process)
    const pattern = `*.elsewhere.example ${readFileSync(`${lab.identityFile}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`;
    const { config, userKh } = setup({ user: pattern });
    const bin = path.join(dir, 'only-ssh');
    mkdirSync(bin);
    symlinkSync(execFileSync('sh', ['-c', 'command -v ssh'], { encoding: 'utf8' }).trim(), path.join(bin, 'ssh'));
    const savedPath = process.env.PATH;
    process.env.PATH = bin;
    try {
      const { state, info } = await connectOnce(config, true);
      expect(state).toBe('hostkey-unknown');
      expect(info.error).toMatch(/cannot check the host key of .*ssh-keygen could not be run.*refused/);
      expect(info.hint).toMatch(/ssh-keygen is on PATH/);
    } finally {
      process.env.PATH = savedPath;
    }
    expect(readFileSync(userKh, 'utf8')).toBe(pattern);
  });

  it('refuses, even with trustNewHostKeys, when the known_hosts file cannot be read', async () => {
    const asDir = path.join(dir, 'known_hosts_dir');
    mkdirSync(asDir);
    const { config } = setup({ userPath: asDir });
    const { state, info } = await connectOnce(config, true);
    expect(state).toBe('hostkey-unknown');
    expect(info.error).toMatch(/known_hosts_dir is a directory/);
  });

  it('UserKnownHostsFile none: a new key cannot be recorded, so it is refused (and no file named "none" appears)', async () => {
    const { config } = setup({ userPath: 'none' });
    const { state, info } = await connectOnce(config, true);
    expect(state).not.toBe('connected');
    expect(info.error).toMatch(/cannot be recorded: UserKnownHostsFile is none — refused/);
    expect(existsSync(path.join(process.cwd(), 'none'))).toBe(false);
  });

  it('a host pinned only in GlobalKnownHostsFile is known', async () => {
    const { config, userKh } = setup({ global: `${name()} ${realKey()}\n` });
    const { state } = await connectOnce(config, false);
    expect(state).toBe('connected');
    expect(existsSync(userKh)).toBe(false);
  });

  it('a different key in GlobalKnownHostsFile is CHANGED, and trustNewHostKeys appends nothing', async () => {
    const { config, userKh } = setup({ user: '', global: `${name()} ${wrongKey()}\n` });
    const { state, info } = await connectOnce(config, true);
    expect(state).toBe('hostkey-changed');
    expect(info.error).toMatch(/HOST KEY CHANGED/);
    expect(info.error).toContain('ssh_known_hosts');
    expect(readFileSync(userKh, 'utf8')).toBe('');
  });

  it('HashKnownHosts yes: trust on first use writes a hashed entry that OpenSSH itself accepts', async () => {
    const { config, userKh } = setup({ extra: ['HashKnownHosts yes'] });
    expect((await connectOnce(config, true)).state).toBe('connected');
    const text = readFileSync(userKh, 'utf8');
    expect(text).toMatch(/^\|1\|[^|\s]+\|[^|\s]+ ssh-ed25519 \S+\n$/);
    expect(text).not.toContain(host.address);
    expect(execFileSync('ssh-keygen', ['-F', name(), '-f', userKh], { encoding: 'utf8' })).toContain(
      realKey().split(' ')[1],
    );
    const ssh = spawnSync('ssh', ['-F', config, 'target', 'echo', 'via-openssh'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(ssh.stdout.trim()).toBe('via-openssh');
    expect((await connectOnce(config, false)).state).toBe('connected');
  });
});
