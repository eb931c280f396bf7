import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appendKnownHost,
  findKnownEntries,
  HostKeyLookupError,
  hashKnownHostsName,
  judgeHostKey,
} from '../../src/ssh/knownHosts.js';
import { tempDir } from '../support/tempDir.js';

const dir = tempDir('ty-knownhosts-');
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'k1', '-f', path.join(dir, 'k1')]);
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'k2', '-f', path.join(dir, 'k2')]);
const key = (n: string) => {
  const [type, base64] = readFileSync(path.join(dir, `${n}.pub`), 'utf8').split(' ');
  return { type, base64 };
};
const name = '[10.9.8.7]:2222';
function file(fileName: string, text: string): string {
  const f = path.join(dir, fileName);
  writeFileSync(f, text);
  return f;
}
function script(fileName: string, body: string): string {
  const f = file(fileName, `#!/bin/sh\n${body}\n`);
  chmodSync(f, 0o755);
  return f;
}
async function lookupError(run: Promise<unknown>): Promise<HostKeyLookupError> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HostKeyLookupError);
  return error as HostKeyLookupError;
}

describe('known_hosts lookups fail closed', () => {
  const userFile = () => file('user_kh', `${name} ${key('k1').type} ${key('k1').base64}\n`);
  // a pattern line leaves the file to ssh-keygen (the in-process reader answers plain and hashed entries only)
  const patternFile = () =>
    file(
      'user_kh_pattern',
      `${name} ${key('k1').type} ${key('k1').base64}\n*.lab.example ${key('k2').type} ${key('k2').base64}\n`,
    );

  it('finds a pinned key and judges it known, another key changed', async () => {
    const entries = await findKnownEntries(name, [userFile()]);
    expect(judgeHostKey(key('k1'), entries)).toEqual({ kind: 'known' });
    expect(judgeHostKey(key('k2'), entries).kind).toBe('changed');
  });

  it('a missing file means no entries (as for ssh), so the host is unknown', async () => {
    const entries = await findKnownEntries(name, [path.join(dir, 'absent'), path.join(dir, 'no', 'such')]);
    expect(judgeHostKey(key('k1'), entries)).toEqual({ kind: 'unknown' });
  });

  it('refuses when ssh-keygen is not there, naming the fix', async () => {
    const error = await lookupError(
      findKnownEntries(name, [patternFile()], { sshKeygen: path.join(dir, 'no-ssh-keygen') }),
    );
    expect(error.message).toMatch(
      /^cannot check the host key of \[10\.9\.8\.7\]:2222: .*no-ssh-keygen could not be run .*— refused/,
    );
    expect(error.failure).toMatchObject({
      state: 'hostkey-unknown',
      hint: expect.stringMatching(/ssh-keygen is on PATH/),
    });
  });

  it('refuses when ssh-keygen does not answer in time', async () => {
    const slow = script('slow-keygen', 'exec sleep 30');
    const error = await lookupError(findKnownEntries(name, [patternFile()], { sshKeygen: slow, timeoutMs: 300 }));
    expect(error.message).toMatch(/did not answer within 300 ms/);
  });

  it('refuses when ssh-keygen fails with an error, not "no match"', async () => {
    const broken = script('broken-keygen', 'echo "load failed: libcrypto" >&2; exit 255');
    const error = await lookupError(findKnownEntries(name, [patternFile()], { sshKeygen: broken }));
    expect(error.message).toMatch(/failed \(exit 255: load failed: libcrypto\)/);
    const quiet = script('quiet-keygen', 'exit 1');
    expect(await findKnownEntries(name, [patternFile()], { sshKeygen: quiet })).toEqual([]);
    const noisy = script('noisy-keygen', 'echo "cannot read" >&2; exit 1');
    await lookupError(findKnownEntries(name, [patternFile()], { sshKeygen: noisy }));
  });

  it('refuses a "match" that printed no key', async () => {
    const liar = script('liar-keygen', 'echo "# Host x found: line 1"; exit 0');
    expect((await lookupError(findKnownEntries(name, [patternFile()], { sshKeygen: liar }))).message).toMatch(
      /printed no key/,
    );
  });

  it('refuses a known_hosts path that cannot be read (ssh-keygen says "no match" for a directory)', async () => {
    const asDir = path.join(dir, 'kh-dir');
    mkdirSync(asDir, { recursive: true });
    expect((await lookupError(findKnownEntries(name, [asDir]))).message).toMatch(
      /kh-dir is a directory, not a known_hosts file/,
    );
    // and a readable file after it does not save the lookup: every file must be searched
    await lookupError(findKnownEntries(name, [userFile(), asDir]));
  });

  it('reads the global file like the user one: pinned there is known, different there is changed', async () => {
    const empty = file('empty_kh', '');
    const global = file('global_kh', `${name} ${key('k1').type} ${key('k1').base64}\n`);
    const entries = await findKnownEntries(name, [empty, global]);
    expect(judgeHostKey(key('k1'), entries)).toEqual({ kind: 'known' });
    expect(judgeHostKey(key('k2'), entries)).toMatchObject({ kind: 'changed', file: global });
  });

  it('/dev/null (a common GlobalKnownHostsFile) is an empty file, not an error', async () => {
    expect(await findKnownEntries(name, ['/dev/null'])).toEqual([]);
  });
});

describe('hashed known_hosts entries (HashKnownHosts yes)', () => {
  it('writes |1|salt|hash that ssh-keygen -F finds, with no host name in clear', async () => {
    const f = path.join(dir, 'hashed_kh');
    appendKnownHost(f, name, key('k1'), true);
    const text = readFileSync(f, 'utf8');
    expect(text).toMatch(/^\|1\|[A-Za-z0-9+/]{27}=\|[A-Za-z0-9+/]{27}= ssh-ed25519 /);
    expect(text).not.toContain('10.9.8.7');
    expect(execFileSync('ssh-keygen', ['-F', name, '-f', f], { encoding: 'utf8' })).toContain(key('k1').base64);
    expect(judgeHostKey(key('k1'), await findKnownEntries(name, [f]))).toEqual({ kind: 'known' });
    expect(judgeHostKey(key('k1'), await findKnownEntries('[10.9.8.7]:2223', [f]))).toEqual({ kind: 'unknown' });
  });

  it('matches OpenSSH for a known salt', () => {
    const salt = Buffer.alloc(20, 7);
    const f = path.join(dir, 'plain_for_hash');
    writeFileSync(f, `gpu.example ${key('k1').type} ${key('k1').base64}\n`);
    // ssh-keygen -H hashes with its own salt; check ours verifies the same way: HMAC-SHA1(salt, name)
    const ours = hashKnownHostsName('gpu.example', salt);
    writeFileSync(f, `${ours} ${key('k1').type} ${key('k1').base64}\n`);
    expect(execFileSync('ssh-keygen', ['-F', 'gpu.example', '-f', f], { encoding: 'utf8' })).toContain(
      key('k1').base64,
    );
    expect(ours.startsWith(`|1|${salt.toString('base64')}|`)).toBe(true);
  });

  it('refuses to trust a key it cannot record, saying why', () => {
    expect(() => appendKnownHost(undefined, name, key('k1'))).toThrow(
      /cannot be recorded: UserKnownHostsFile is none — refused; fix:/,
    );
    const notADir = file('plain-file', '');
    expect(() => appendKnownHost(path.join(notADir, 'known_hosts'), name, key('k1'))).toThrow(
      /cannot be recorded in .*plain-file\/known_hosts \((ENOTDIR|EEXIST)\) — refused; fix: make/,
    );
  });

  it('writes a plain entry without HashKnownHosts', () => {
    const f = path.join(dir, 'plain_kh');
    appendKnownHost(f, name, key('k2'));
    expect(readFileSync(f, 'utf8')).toBe(`${name} ${key('k2').type} ${key('k2').base64}\n`);
  });
});
