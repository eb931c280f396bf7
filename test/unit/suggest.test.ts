import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/config/suggest.js';
import { tempDir } from '../support/tempDir.js';

describe('did-you-mean', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('hsots', 'hosts')).toBe(1);
    expect(editDistance('hots', 'hosts')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('picks the closest key, case counting least, and nothing when all are far', () => {
    const keys = ['hosts', 'sshConfig', 'secretEnv', 'env', 'exclude', 'pullExclude'];
    expect(closest('secretENV', keys)).toBe('secretEnv');
    expect(closest('exclud', keys)).toBe('exclude');
    expect(closest('sshconfig', keys)).toBe('sshConfig');
    expect(closest('gpuMemory', keys)).toBeNull();
  });
});

describe('the CLI with a mistyped config', () => {
  it('exits 2 with the did-you-mean, before connecting to anything', async () => {
    const file = path.join(tempDir('ty-typo-'), 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        hots: ['gpu-a'],
        projects: { m: { local: '/p', remote: '/w', train: 't', autoRestart: { enable: true } } },
      }),
    );
    const bin = path.join(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');
    const r = await execa('node', [bin, 'status', '--config', file, '--timeout', '2'], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('"hots" is not a key — did you mean "hosts"?');
    expect(r.stderr).toContain('"enable" is not a key of projects.m.autoRestart — did you mean "enabled"?');
    expect(r.stdout).not.toMatch(/local/);
  });
});
