import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { identityPublicKey } from '../../src/ssh/auth.js';
import { expandProxyCommand, openProxyCommand, ProxyCommandError } from '../../src/ssh/proxyCommand.js';
import { parseSshG } from '../../src/ssh/resolve.js';
import { tempDir } from '../support/tempDir.js';

const host = { alias: 'gpu-a', hostname: '10.0.0.5', port: 2222, user: 'alice' };

describe('ProxyCommand tokens', () => {
  it('expands %h %p %r %n and %% as ssh does', () => {
    expect(expandProxyCommand('ssh -W %h:%p -l %r bastion # %n 100%%', host)).toBe(
      'ssh -W 10.0.0.5:2222 -l alice bastion # gpu-a 100%',
    );
    expect(expandProxyCommand('nc [%h] %p', { ...host, hostname: 'fe80::1' })).toBe('nc [fe80::1] 2222');
  });

  it('refuses a token ssh does not expand there', () => {
    expect(() => expandProxyCommand('connect %x', host)).toThrow(ProxyCommandError);
    expect(() => expandProxyCommand('connect %x', host)).toThrow(
      /uses %x, which is not a token ssh expands there .* fix: write %% for a literal %/,
    );
    expect(() => expandProxyCommand('trailing %', host)).toThrow(/uses %,/);
  });

  it('never lets a value become shell code', () => {
    expect(() => expandProxyCommand('nc %h %p', { ...host, hostname: 'x;touch /tmp/pwned' })).toThrow(
      /%h would be "x;touch \/tmp\/pwned", which is not a plain host name/,
    );
    expect(() => expandProxyCommand('ssh -l %r j', { ...host, user: '$(id)' })).toThrow(/%r would be/);
    expect(() => expandProxyCommand('nc %h %p', { ...host, hostname: 'a\nb' })).toThrow(/"a\?b"/);
  });
});

describe('ProxyCommand start', () => {
  it('refuses ProxyUseFdpass yes with a fix, rather than speaking SSH to a socket-passing command', async () => {
    const resolved = parseSshG(
      'gpu-a',
      ['hostname 10.0.0.5', 'port 22', 'user alice', 'proxycommand ssh -W %h:%p jump', 'proxyusefdpass yes'].join('\n'),
    );
    await expect(openProxyCommand(resolved)).rejects.toThrow(
      /ProxyUseFdpass yes, which trainyard does not support — fix:/,
    );
  });
});

describe('IdentityFile public keys (for IdentitiesOnly with an agent)', () => {
  it('reads FILE.pub, or the unencrypted private key when there is no .pub', () => {
    const dir = tempDir('ty-idkeys-');
    const key = path.join(dir, 'id');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const expected = Buffer.from(readFileSync(`${key}.pub`, 'utf8').split(' ')[1], 'base64');
    expect(identityPublicKey(key)?.equals(expected)).toBe(true);
    rmSync(`${key}.pub`);
    expect(identityPublicKey(key)?.equals(expected)).toBe(true);
    execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'pw', '-f', key]);
    expect(identityPublicKey(key)).toBeNull();
    expect(identityPublicKey(path.join(dir, 'absent'))).toBeNull();
  });
});
