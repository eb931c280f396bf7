/** Secrets masked outside an action's own output: which values are known, and masking nested data. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ActionRunner } from '../../src/actions/runner.js';
import type { ActionDefinition } from '../../src/actions/types.js';
import { normalizeConfig } from '../../src/config/load.js';
import { configRedactor, redactDeep } from '../../src/secrets/redact.js';
import type { Transport } from '../../src/transport/types.js';

const dir = mkdtempSync('/tmp/ty-redact-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const envFile = path.join(dir, 'hf.env');
writeFileSync(envFile, 'HF_TOKEN="hf_file-secret-42"\n', { mode: 0o600 });
const base = { local: '/tmp/p', remote: '/w/p', train: 'python t.py' };
const config = normalizeConfig(
  {
    hosts: ['gpu-a'],
    projects: {
      a: { ...base, secretEnv: ['WANDB_API_KEY', 'MISSING_ONE'], envFile },
      b: { ...base, env: { API_PASS: 'config-pass-77', VISIBLE: 'not-secret' }, secretEnv: ['API_PASS'] },
    },
  },
  '/cfg.json',
);
const env = { WANDB_API_KEY: 'wandb-env-secret-9' };

describe('configRedactor', () => {
  it("knows every project's secrets: environment, env file, config env; a missing one is skipped", () => {
    const r = configRedactor(config, env);
    expect(r.redact('wandb-env-secret-9 hf_file-secret-42 config-pass-77 not-secret')).toBe('••• ••• ••• not-secret');
  });
});

describe('redactDeep', () => {
  it('masks every string in nested data and leaves the rest as it is', () => {
    const r = configRedactor(config, env);
    const status = {
      installed: true,
      pid: 4,
      summary: { runs: [{ lastError: 'KeyError: wandb-env-secret-9', exitCode: 1 }] },
      unread: [{ detail: 'token=hf_file-secret-42', pushed: false }],
    };
    expect(redactDeep(status, r)).toEqual({
      installed: true,
      pid: 4,
      summary: { runs: [{ lastError: 'KeyError: •••', exitCode: 1 }] },
      unread: [{ detail: 'token=•••', pushed: false }],
    });
    expect(status.unread[0].detail).toBe('token=hf_file-secret-42'); // a copy
  });
});

describe('action output', () => {
  it('is masked from the first line, before an action added any secret of its own', async () => {
    const transport: Transport = {
      exec: async () => ({ stdout: '', stderr: '', code: 0 }),
      stream: () => ({ cancel: () => {}, done: Promise.resolve({ stdout: '', stderr: '', code: 0 }) }),
    };
    const leaky: ActionDefinition = {
      id: 'sync',
      title: 'Test',
      help: '',
      needs: { project: true, session: false },
      destructive: false,
      cancellable: false,
      terminal: false,
      run: async (ctx) => {
        ctx.output('rsync: cannot stat wandb-env-secret-9.txt', 'err');
        return { outcome: 'failed', summary: 'failed near config-pass-77', details: [], hint: null };
      },
    };
    const lines: string[] = [];
    const runner = new ActionRunner({
      config,
      env,
      registry: [leaky],
      transportFor: () => transport,
      dataDir: dir,
      flushMs: 5,
      onEvent: (e) => e.type === 'line' && lines.push(e.text),
    });
    const v = await runner.start('sync', { host: 'gpu-a', project: 'a' }).done;
    expect(lines).toEqual(['rsync: cannot stat •••.txt']);
    expect(v.summary).toBe('failed near •••');
  });
});
