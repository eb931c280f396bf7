/** Secrets without a host: env files, the file text (sourced by a real bash), masking. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { collectSecrets, parseEnvFile, Redactor, SecretsError, secretsFileText } from '../../src/secrets/secrets.js';

describe('secrets', () => {
  it('parses env files: comments, export, quotes', () => {
    expect(parseEnvFile(`# c\n\nexport A=1\nB = two words # note\nC='lit $x \\n'\nD="a \\"q\\" \\n b"\nE=\n`)).toEqual({
      A: '1',
      B: 'two words',
      C: 'lit $x \\n',
      D: 'a "q" \n b',
      E: '',
    });
    expect(() => parseEnvFile('not a line', '/f.env')).toThrow(/\/f.env line 1 is not KEY=value/);
  });

  it('the file text gives bash the exact values', () => {
    const values = { A: "it's $(not run) `no`", B: 'line1\nline2', C: '"dq" \\ back' };
    const out = execFileSync(
      'bash',
      ['-c', `set -a; eval "$1"; set +a; printf '%s\\0' "$A" "$B" "$C"`, 'x', secretsFileText(values)],
      { encoding: 'utf8' },
    );
    expect(out.split('\0').slice(0, 3)).toEqual([values.A, values.B, values.C]);
  });

  it('collects from the environment, "env" and the env file; a missing one is named', () => {
    const project = { env: { API: 'from-config' }, secretNames: ['WANDB_API_KEY', 'API'], envFile: null };
    expect(collectSecrets({ name: 'p', project, env: { WANDB_API_KEY: 'w' } })).toEqual({
      WANDB_API_KEY: 'w',
      API: 'from-config',
    });
    expect(() => collectSecrets({ name: 'p', project, env: {} })).toThrow(SecretsError);
    expect(() => collectSecrets({ name: 'p', project: { ...project, envFile: '/nonexistent.env' }, env: {} })).toThrow(
      /projects.p.envFile \/nonexistent.env cannot be read \(ENOENT\)/,
    );
  });

  it('masks values (and their quoted form), longest first; ignores values too short to be secrets', () => {
    const r = new Redactor();
    r.add(['s3cr3t-token', "it's-secret", 'ab']);
    expect(r.redact('key=s3cr3t-token and s3cr3t-token-long')).toBe('key=••• and •••-long');
    expect(r.redact("export K='it'\\''s-secret'")).toBe('export K=•••');
    expect(r.redact('ab stays')).toBe('ab stays');
  });
});
