import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expandHome, homeOfUser, UnknownUserError } from '../../src/config/paths.js';
import { parseSshG, ResolveError, resolveHost } from '../../src/ssh/resolve.js';
import { runSshGBatch } from '../../src/ssh/runSshG.js';
import { tempDir } from '../support/tempDir.js';
import { waitFor } from '../support/waitFor.js';

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

describe('many aliases resolved at once', () => {
  const dir = tempDir('trainyard-resolve-many-');
  const file = path.join(dir, 'config');
  writeFileSync(
    file,
    ['a', 'b', 'c', 'd', 'e']
      .map((x, i) => `Host gpu-${x}\n  HostName 10.0.0.${i + 1}\n  Port ${2200 + i}\n`)
      .concat('Host gpu-bad\n  ControlPath %Q\n')
      .join(''),
  );
  const aliases = ['gpu-a', 'gpu-b', 'gpu-bad', 'gpu-c', 'gpu-d', 'gpu-e'];
  const settle = (p: Promise<unknown>) =>
    p.then(
      (value) => ({ value }),
      (error: Error) => ({ error: error.message }),
    );
  /** An `ssh` first on PATH that runs `before` (sh), then is the real one. */
  const fakeSsh = (name: string, before: string) => {
    const bin = path.join(dir, name);
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'ssh'), `#!/bin/sh\n${before}\nexec /usr/bin/ssh "$@"\n`, { mode: 0o755 });
    vi.stubEnv('PATH', `${bin}:${process.env.PATH}`);
  };
  afterEach(() => vi.unstubAllEnvs());

  it('runs every ssh -G under one process, and gives each alias its own answer', async () => {
    // each ssh notes the process group it runs in
    const log = path.join(dir, 'groups');
    fakeSsh('bin', `awk '{print $5}' /proc/$$/stat >> "$SSH_G_LOG"`);
    vi.stubEnv('SSH_G_LOG', log);
    const results = await Promise.all(aliases.map((a) => settle(resolveHost(file, a))));
    const groups = readFileSync(log, 'utf8').trim().split('\n');
    expect(groups).toHaveLength(aliases.length);
    expect(new Set(groups).size).toBe(1);
    expect(groups[0]).not.toBe(readFileSync('/proc/self/stat', 'utf8').split(' ')[4]);
    aliases.forEach((alias, i) => {
      if (alias === 'gpu-bad') {
        expect(results[i]).toEqual({
          error: expect.stringMatching(/^cannot resolve "gpu-bad" with .*: .*unknown key %Q$/),
        });
        return;
      }
      const n = 'abcde'.indexOf(alias.slice(-1));
      expect(results[i]).toEqual({
        value: expect.objectContaining({ alias, hostname: `10.0.0.${n + 1}`, port: 2200 + n }),
      });
    });
  });

  it('says ssh could not be run when it is not installed', async () => {
    vi.stubEnv('PATH', path.join(dir, 'empty'));
    const results = await Promise.all(['gpu-a', 'gpu-b'].map((a) => settle(resolveHost(file, a))));
    expect(results).toEqual(
      ['gpu-a', 'gpu-b'].map((a) => ({
        error: `cannot resolve "${a}" with ${file}: ssh could not be run (not found on PATH)`,
      })),
    );
  });

  it('stops an ssh -G that does not answer, with everything it started, and answers the others', async () => {
    const pids = path.join(dir, 'slow-pids');
    // gpu-c's ssh -G hangs (a Match exec that never returns), with a child of its own
    fakeSsh('slow-bin', `case "$*" in *gpu-c) sleep 60 & echo "$$ $!" > "$SLOW_PIDS"; wait; exit 0;; esac`);
    vi.stubEnv('SLOW_PIDS', pids);
    const results = await Promise.all(runSshGBatch(file, ['gpu-a', 'gpu-c', 'gpu-e'], 1500));
    expect(results.map((r) => r.failure)).toEqual([null, 'ssh -G did not answer within 1.5 s (SIGKILL)', null]);
    expect(parseSshG('gpu-e', results[2].stdout).hostname).toBe('10.0.0.5');
    const alive = (pid: number) =>
      existsSync(`/proc/${pid}`) && !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const started = readFileSync(pids, 'utf8').trim().split(' ').map(Number);
    await waitFor(() => started.filter(alive), {
      until: (left) => left.length === 0,
      what: 'the hung ssh -G and its child gone',
    });
  });

  it('leaves no answer files behind', async () => {
    const tmp = path.join(dir, 'tmp');
    mkdirSync(tmp);
    vi.stubEnv('TMPDIR', tmp);
    // each ssh notes where its output goes
    const log = path.join(dir, 'outputs');
    fakeSsh('tmp-bin', `o=$(readlink /proc/$$/fd/1); echo "$o" >> "$OUT_LOG"`);
    vi.stubEnv('OUT_LOG', log);
    await Promise.all(aliases.map((a) => settle(resolveHost(file, a))));
    const outputs = readFileSync(log, 'utf8').trim().split('\n');
    expect(outputs).toHaveLength(aliases.length);
    for (const out of outputs) expect(out).toMatch(new RegExp(`^${tmp}/trainyard-ssh-g-[^/]+/\\d+\\.out$`));
    // the folder goes once sh has ended, a moment after the last answer
    await waitFor(() => readdirSync(tmp), { until: (left) => left.length === 0, what: 'the answer folder removed' });
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
