import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshConnection } from '../../src/ssh/connection.js';
import { canRunTestHosts, startTestHosts, type TestHost, type TestHosts } from '../harness/testHosts.js';
import { FAST_BACKOFF } from './fleetHelpers.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`integration tests cannot run in CI: ${can.reason}`);

describe.skipIf(!can.ok)('ssh_config options ssh honours: ProxyCommand, IdentitiesOnly (real sshd)', () => {
  let lab: TestHosts;
  let dir: string;
  let agent: ChildProcess | null = null;
  let agentSocket: string;
  let n = 0;

  beforeAll(async () => {
    // two wrong keys use up the server's tries before a third key is looked at
    lab = await startTestHosts({ count: 2, sshdConfigExtra: ['MaxAuthTries 2', 'LogLevel VERBOSE'] });
    dir = mkdtempSync(path.join(tmpdir(), 'ty-sshopts-'));
    agentSocket = path.join(dir, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
    for (let i = 0; i < 50 && !existsSync(agentSocket); i++) await new Promise((r) => setTimeout(r, 50));
    for (const name of ['wrong1', 'wrong2']) {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path.join(dir, name)]);
      execFileSync('ssh-add', ['-q', path.join(dir, name)], {
        env: { ...process.env, SSH_AUTH_SOCK: agentSocket },
        stdio: 'ignore',
      });
    }
  });
  afterAll(async () => {
    if (agent?.pid) process.kill(agent.pid, 'SIGTERM');
    await lab?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function hostBlock(alias: string, h: TestHost, lines: string[]): string {
    return [
      `Host ${alias}`,
      `  HostName ${h.address}`,
      `  Port ${h.port}`,
      `  User ${lab.user}`,
      `  UserKnownHostsFile ${lab.knownHostsPath}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      ...lines.map((l) => `  ${l}`),
    ].join('\n');
  }
  function writeConfig(blocks: string[]): string {
    const file = path.join(dir, `ssh_config_${++n}`);
    writeFileSync(file, blocks.join('\n\n') + '\n');
    return file;
  }

  async function connectOnce(sshConfig: string, whileConnected?: (c: SshConnection) => Promise<void>) {
    const c = new SshConnection({
      alias: 'target',
      sshConfig,
      keepalive: { intervalSeconds: 1, countMax: 2 },
      trustNewHostKeys: false,
      backoff: FAST_BACKOFF,
    });
    const settled = new Promise<string>((resolve) =>
      c.on('state', (i) => i.state !== 'connecting' && resolve(i.state)),
    );
    c.start();
    const state = await settled;
    const info = c.info;
    if (state === 'connected') await whileConnected?.(c);
    c.close();
    return { state, info };
  }

  const accepted = (h: TestHost) =>
    readFileSync(h.logFile, 'utf8')
      .split('\n')
      .filter((l) => /Accepted publickey/.test(l));

  describe('IdentitiesOnly yes', () => {
    it('offers only the IdentityFile, not every agent key: connects although the agent holds 2 wrong keys and MaxAuthTries is 2', async () => {
      const config = writeConfig([
        hostBlock('target', lab.hosts[0], [
          `IdentityFile ${lab.identityFile}`,
          'IdentitiesOnly yes',
          `IdentityAgent ${agentSocket}`,
        ]),
      ]);
      const { state, info } = await connectOnce(config);
      expect(info.error).toBeNull();
      expect(state).toBe('connected');
    });

    it('without it, the agent keys come first and use up the tries (as with OpenSSH)', async () => {
      const config = writeConfig([
        hostBlock('target', lab.hosts[0], [
          `IdentityFile ${lab.identityFile}`,
          'IdentitiesOnly no',
          `IdentityAgent ${agentSocket}`,
        ]),
      ]);
      const { state, info } = await connectOnce(config);
      expect(state).not.toBe('connected');
      expect(info.error).toMatch(/too many authentication failures|authentication failed/i);
    });

    it('still uses the agent for an IdentityFile whose key it holds (an encrypted key needs no passphrase then)', async () => {
      const encrypted = path.join(dir, 'lab_key_encrypted');
      copyFileSync(lab.identityFile, encrypted);
      copyFileSync(`${lab.identityFile}.pub`, `${encrypted}.pub`);
      execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'correct horse', '-f', encrypted]);
      const agentEnv = { ...process.env, SSH_AUTH_SOCK: agentSocket };
      execFileSync('ssh-add', ['-q', lab.identityFile], { env: agentEnv, stdio: 'ignore' });
      try {
        const config = writeConfig([
          hostBlock('target', lab.hosts[0], [
            `IdentityFile ${encrypted}`,
            'IdentitiesOnly yes',
            `IdentityAgent ${agentSocket}`,
          ]),
        ]);
        const { state, info } = await connectOnce(config);
        expect(info.error).toBeNull();
        expect(state).toBe('connected');
      } finally {
        execFileSync('ssh-add', ['-q', '-d', lab.identityFile], { env: agentEnv, stdio: 'ignore' });
      }
    });
  });

  describe('ProxyCommand', () => {
    it('connects over the command’s stdio (ssh -W %h:%p through another host), and the proxy ends with the connection', async () => {
      const [jump, target] = lab.hosts;
      const pidFile = path.join(dir, 'proxy.pid');
      const config = writeConfig([
        hostBlock('jump', jump, [`IdentityFile ${lab.identityFile}`, 'IdentitiesOnly yes']),
        hostBlock('target', target, [
          `IdentityFile ${lab.identityFile}`,
          'IdentitiesOnly yes',
          'IdentityAgent none',
          `ProxyCommand sh -c 'echo $$ > ${pidFile}; exec ssh -F %d -W %h:%p jump'`.replace('%d', '__CONFIG__'),
        ]),
      ]);
      writeFileSync(config, readFileSync(config, 'utf8').replace('__CONFIG__', config));
      const before = accepted(target).length;
      let hostname = '';
      const { state, info } = await connectOnce(config, async (c) => {
        const r = await c.exec({ argv: ['hostname'], purpose: 'test' });
        hostname = r.stdout.trim();
      });
      expect(info.error).toBeNull();
      expect(state).toBe('connected');
      expect(hostname).toBe(target.hostname);
      // the target saw the login come from the jump host, not from this machine
      const logins = accepted(target).slice(before);
      expect(logins.length).toBeGreaterThan(0);
      expect(logins.at(-1)).toContain(`from ${jump.address} `);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      for (let i = 0; i < 50 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 100));
      expect(existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ')).toBe(false);
    });

    it('a ProxyCommand that fails is unreachable, with its exit status and stderr in the message', async () => {
      const config = writeConfig([
        hostBlock('target', lab.hosts[1], [
          `IdentityFile ${lab.identityFile}`,
          `ProxyCommand sh -c 'echo "no route to %h port %p" >&2; exit 3'`,
        ]),
      ]);
      const { state, info } = await connectOnce(config);
      expect(state).toBe('unreachable');
      expect(info.error).toMatch(
        new RegExp(
          `ProxyCommand .* exited with 3: no route to ${lab.hosts[1].address.replace(/\./g, '\\.')} port ${lab.hosts[1].port}`,
        ),
      );
    });
  });
});
