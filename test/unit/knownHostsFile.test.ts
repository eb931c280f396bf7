/**
 * The in-process known_hosts reader gives ssh-keygen -F's answer on the files it takes (plain and
 * hashed entries), compared on the same files for many names; anything more it leaves to
 * ssh-keygen; a file that changes is read again.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashKnownHostsName } from '../../src/ssh/knownHosts.js';
import { knownHostLines } from '../../src/ssh/knownHostsFile.js';
import { tempDir } from '../support/tempDir.js';

const dir = tempDir('ty-khfile-');
for (const k of ['a', 'b'])
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', k, '-f', path.join(dir, k)]);
const pub = (k: string) =>
  readFileSync(path.join(dir, `${k}.pub`), 'utf8')
    .split(' ')
    .slice(0, 2)
    .join(' ');

/** Host, key type and key of each line (a line's spacing and trailing comment are not the answer). */
const entries = (lines: string[] | null) => lines?.map((l) => l.trim().split(/\s+/).slice(0, 3).join(' ')) ?? null;

/** What ssh-keygen -F prints for the name, less its comment lines. */
function keygen(name: string, file: string): string[] | null {
  const r = spawnSync('ssh-keygen', ['-F', name, '-f', file], { encoding: 'utf8' });
  return entries(r.stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')));
}

const ours = (name: string, file: string) => entries(knownHostLines(name, file));

function knownHosts(fileName: string, lines: string[]): string {
  const f = path.join(dir, fileName);
  writeFileSync(f, `${lines.join('\n')}\n`);
  return f;
}

const HOSTS = ['gpu-1', 'gpu-10', '10.0.0.7', '[10.0.0.7]:2222', '[gpu-1]:22', 'login.lab.example', '[::1]:2200'];

describe('known_hosts in-process', () => {
  const file = knownHosts('plain_and_hashed', [
    '# a comment',
    `gpu-1,10.0.0.7 ${pub('a')}`,
    '',
    `[10.0.0.7]:2222 ${pub('b')}`,
    `${hashKnownHostsName('login.lab.example')} ${pub('a')}`,
    `${hashKnownHostsName('[::1]:2200')} ${pub('b')}`,
    `gpu-1 ${pub('b')}`,
    `   gpu-10   ${pub('a')}   a comment after the key`,
  ]);

  it('answers as ssh-keygen -F does, for names present, absent and nearly alike', () => {
    const names = [...HOSTS, 'gpu', 'gpu-100', '[10.0.0.7]:22', '10.0.0.70', 'lab.example', '[::1]:22', ''];
    for (const name of names) expect(ours(name, file), name).toEqual(keygen(name, file));
    // the same for names made up at random (hashed and plain files alike)
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9.-]{1,12}$/),
        fc.option(fc.integer({ min: 1, max: 65535 })),
        (host, port) => {
          const name = port === null || port === 22 ? host : `[${host}]:${port}`;
          expect(ours(name, file)).toEqual(keygen(name, file));
        },
      ),
      { seed: 7, numRuns: 40 },
    );
  });

  it('leaves a file with a marker, a pattern or a capital, and a name with a capital, to ssh-keygen', () => {
    const base = `gpu-1 ${pub('a')}`;
    expect(knownHostLines('gpu-1', knownHosts('revoked', [base, `@revoked * ${pub('b')}`]))).toBeNull();
    expect(knownHostLines('gpu-1', knownHosts('ca', [base, `@cert-authority *.lab ${pub('b')}`]))).toBeNull();
    expect(knownHostLines('gpu-1', knownHosts('star', [base, `gpu-* ${pub('b')}`]))).toBeNull();
    expect(knownHostLines('gpu-1', knownHosts('negated', [base, `!gpu-2,gpu-? ${pub('b')}`]))).toBeNull();
    expect(knownHostLines('gpu-1', knownHosts('capital', [base, `GPU-1 ${pub('b')}`]))).toBeNull();
    expect(knownHostLines('gpu-1', knownHosts('short', [base, 'gpu-2 ssh-ed25519']))).toBeNull();
    expect(knownHostLines('GPU-1', file)).toBeNull();
  });

  it('reads a file again when it changes (an entry appended on first use is found)', () => {
    const f = knownHosts('grows', [`gpu-1 ${pub('a')}`]);
    expect(knownHostLines('gpu-2', f)).toEqual([]);
    appendFileSync(f, `${hashKnownHostsName('gpu-2')} ${pub('b')}\n`);
    expect(ours('gpu-2', f)).toEqual(keygen('gpu-2', f));
    expect(knownHostLines('gpu-2', f)).toHaveLength(1);
  });
});
