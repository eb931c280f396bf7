import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandHome, homeOfUser, UnknownUserError } from '../../src/config/paths.js';
import { parseSshG, ResolveError, resolveHost } from '../../src/ssh/resolve.js';
import { tempDir } from '../support/tempDir.js';

const base = ['hostname 10.0.0.5', 'port 2222', 'user alice', 'identitiesonly no', 'hashknownhosts no'];

describe('ssh -G output', () => {
  it('reads GlobalKnownHostsFile, HashKnownHosts and ProxyCommand', () => {
    const host = parseSshG(
      'gpu-a',
      [
        ...base.slice(0, 3),
        'hashknownhosts yes',
        'identitiesonly yes',
        'globalknownhostsfile /etc/ssh/ssh_known_hosts /opt/pinned_hosts',
        'userknownhostsfile /home/alice/.ssh/known_hosts',
        'proxycommand ssh -W %h:%p bastion',
      ].join('\n'),
    );
    expect(host).toMatchObject({
      hostname: '10.0.0.5',
      port: 2222,
      identitiesOnly: true,
      hashKnownHosts: true,
      globalKnownHostsFiles: ['/etc/ssh/ssh_known_hosts', '/opt/pinned_hosts'],
      knownHostsFiles: ['/home/alice/.ssh/known_hosts'],
      proxyCommand: 'ssh -W %h:%p bastion',
    });
  });

  it("defaults as ssh's: the system-wide files, no hashing, no ProxyCommand", () => {
    const host = parseSshG('gpu-a', [...base, 'proxycommand none'].join('\n'));
    expect(host.globalKnownHostsFiles).toEqual(['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']);
    expect(host.hashKnownHosts).toBe(false);
    expect(host.identitiesOnly).toBe(false);
    expect(host.proxyCommand).toBeNull();
  });

  it('"none" means no known_hosts file, not a file named none', () => {
    const host = parseSshG(
      'gpu-a',
      [...base, 'userknownhostsfile none', 'globalknownhostsfile none', 'proxyusefdpass yes'].join('\n'),
    );
    expect(host.knownHostsFiles).toEqual([]);
    expect(host.globalKnownHostsFiles).toEqual([]);
    expect(host.proxyUseFdpass).toBe(true);
  });

  it('expands ~ and ~user in IdentityFile the way ssh does', () => {
    const host = parseSshG(
      'gpu-a',
      [...base, 'identityfile ~/.ssh/id_ed25519', 'identityfile ~root/keys/lab'].join('\n'),
    );
    expect(host.identityFiles).toEqual([`${userInfo().homedir}/.ssh/id_ed25519`, `${homeOfUser('root')}/keys/lab`]);
  });
});

describe('resolving with the real ssh -G', () => {
  const dir = tempDir('trainyard-resolve-');
  const config = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it("reads an alias's HostName, Port and User, and a hop's user and port from its spelling", async () => {
    const file = config('good', 'Host gpu-a\n  HostName 10.1.2.3\n  Port 2200\n  User alice\n');
    expect(await resolveHost(file, 'gpu-a')).toMatchObject({ hostname: '10.1.2.3', port: 2200, user: 'alice' });
    expect(await resolveHost(file, 'bob@10.9.9.9:2022')).toMatchObject({
      hostname: '10.9.9.9',
      port: 2022,
      user: 'bob',
    });
  });

  it("names the alias, the file and ssh's own complaint when the config is bad", async () => {
    const file = config('bad', 'Host gpu-a\n  NoSuchOption yes\n');
    const error = await resolveHost(file, 'gpu-a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResolveError);
    expect((error as Error).message).toMatch(/^cannot resolve "gpu-a" with .*\/bad: .*[Bb]ad configuration option/);
  });

  it('passes on ssh -G saying the config file is missing', async () => {
    const error = await resolveHost(path.join(dir, 'missing'), 'gpu-a').catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^cannot resolve "gpu-a" with .*\/missing: .*No such file or directory$/);
  });

  it('says ssh could not be run when it is not installed', async () => {
    const file = config('fine', 'Host gpu-a\n  HostName 10.1.2.3\n');
    const saved = process.env.PATH;
    process.env.PATH = dir;
    try {
      const error = await resolveHost(file, 'gpu-a').catch((e: unknown) => e);
      expect((error as Error).message).toBe(`cannot resolve "gpu-a" with ${file}: ssh could not be run (ENOENT)`);
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe('~ and ~user in paths', () => {
  it('expands ~user to that user’s home from the passwd database', () => {
    expect(homeOfUser('root')).toMatch(/^\//);
    expect(expandHome('~root/proj/x', '/home/me')).toBe(`${homeOfUser('root')}/proj/x`);
    expect(expandHome(`~${userInfo().username}`, '/home/me')).toBe(userInfo().homedir);
    expect(expandHome('~/a', '/home/me')).toBe('/home/me/a');
    expect(expandHome('/abs/~x', '/home/me')).toBe('/abs/~x');
  });

  it('refuses a user this machine does not have, instead of leaving ~user in the path', () => {
    expect(() => expandHome('~nosuchuser-ty/proj')).toThrow(UnknownUserError);
    expect(() => expandHome('~nosuchuser-ty/proj')).toThrow(/no user "nosuchuser-ty" — fix: write the full path/);
    expect(() => expandHome('~$(id)/x')).toThrow(UnknownUserError);
  });
});
