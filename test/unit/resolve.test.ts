import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { expandHome, homeOfUser, UnknownUserError } from '../../src/config/paths.js';
import { parseSshG } from '../../src/ssh/resolve.js';

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
