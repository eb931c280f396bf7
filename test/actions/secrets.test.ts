/**
 * Secrets reach the training process and nothing else: not `ps`, not tmux (options,
 * environment, pane command, screen), not the launch script or manifest, not the output pane.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { shQuote } from '../../src/shell/quote.js';
import type { SshConnection } from '../../src/ssh/connection.js';
import { canRunTestHosts } from '../harness/testHosts.js';
import {
  type ActionLab,
  expectOk,
  type RemoteHost,
  runAction,
  sampleProject,
  startActionLab,
  waitOnHost,
} from './helpers.js';

const can = canRunTestHosts();

const WANDB = 'wandb-5ecret-7f3a9c1e0b2d';
const HF = "hf_T0ken-with $(dollar) and 'quote'";
const PASS = 'p4ss-in-env-block';

describe.skipIf(!can.ok)('secrets on a real host', () => {
  let fixture: ActionLab;
  let h: RemoteHost;
  let config: Config;
  let conn: SshConnection;
  let dataDir: string;
  const env = { ...process.env, TMUX: '', WANDB_API_KEY: WANDB };

  beforeAll(async () => {
    fixture = await startActionLab({
      prefix: 'ty-secrets-',
      projects: (local, dir) => {
        const envFile = path.join(dir, 'hf.env');
        writeFileSync(envFile, `# tokens\nexport HF_TOKEN="${HF.replace(/"/g, '\\"')}"\n`, { mode: 0o600 });
        return {
          sample: sampleProject(local, {
            train:
              'python3 train.py --steps 400 --step-seconds 0.05 --check-env WANDB_API_KEY --check-env HF_TOKEN --check-env API_PASS',
            smoke:
              'python3 train.py --steps 2 --step-seconds 0 --print-env WANDB_API_KEY --print-env HF_TOKEN --print-env API_PASS',
            env: { API_PASS: PASS, VISIBLE: 'not-a-secret' },
            secretEnv: ['WANDB_API_KEY', 'API_PASS'],
            envFile,
          }),
        };
      },
    });
    ({ h, config, conn, dataDir } = fixture);
    expectOk(await runAction(config, conn, 'sync', { host: h.alias, project: 'sample' }, { dataDir, env }));
  });

  afterAll(() => fixture?.stop());

  const leaks = (text: string) => [WANDB, HF, PASS].filter((s) => text.includes(s));

  it('launches with the secrets in a 0600 file only', async () => {
    const dry = await runAction(
      config,
      conn,
      'launch',
      { host: h.alias, project: 'sample', params: { session: 'sec-1', gpus: 'all' } },
      { dataDir, env, dryRun: true },
    );
    expect(dry.verdict.outcome, dry.text).toBe('ok');
    expect(leaks(dry.text)).toEqual([]);

    const launch = await runAction(
      config,
      conn,
      'launch',
      { host: h.alias, project: 'sample', params: { session: 'sec-1', gpus: 'all', verifyMs: 0 } },
      { dataDir, env },
    );
    expect(launch.verdict.outcome, launch.text).toBe('ok');
    expect(leaks(launch.text)).toEqual([]);
    const log = await waitOnHost(h, 'cat ~/.trainyard/runs/sec-1.log', /API_PASS is set/);
    expect(log).toContain(`WANDB_API_KEY is set (${WANDB.length} chars)`);
    expect(log).toContain(`HF_TOKEN is set (${HF.length} chars)`);
    expect(log).toContain(`API_PASS is set (${PASS.length} chars)`);
    await waitOnHost(h, 'cat ~/.trainyard/runs/sec-1.log', /step 3 loss/);

    const looks = await h.run(
      [
        'ps -eo args',
        'tmux show-options -g',
        "tmux show-options -t '=sec-1'",
        "tmux show-options -w -t '=sec-1:'",
        'tmux show-environment -g',
        "tmux show-environment -t '=sec-1'",
        "tmux list-panes -a -F '#{pane_start_command} #{pane_current_command}'",
        "tmux capture-pane -p -S -2000 -t '=sec-1:'",
        'cat ~/.trainyard/runs/sec-1.sh ~/.trainyard/runs/sec-1.json ~/.trainyard/runs/sec-1.log',
      ].join('; echo ---; '),
    );
    expect(looks.stdout).toContain('python3 train.py --steps 400'); // the look saw the run
    expect(looks.stdout).toContain('VISIBLE'); // the plain variable is in the script, as intended
    expect(leaks(looks.stdout + looks.stderr)).toEqual([]);

    const file = await h.run(
      'stat -c %a ~/.trainyard/secrets/sample.env; stat -c %a ~/.trainyard; cat ~/.trainyard/secrets/sample.env',
    );
    const [mode, dirMode] = file.stdout.split('\n');
    expect(mode).toBe('600');
    expect(dirMode).toBe('700');
    expect(file.stdout).toContain(`export WANDB_API_KEY=${WANDB}\n`);
    expect(file.stdout).toContain(`export API_PASS=${PASS}\n`);
    expect(file.stdout).toContain(`export HF_TOKEN=${shQuote(HF)}\n`);

    const stop = await runAction(
      config,
      conn,
      'stop',
      { host: h.alias, session: 'sec-1' },
      { dataDir, env, assumeYes: true },
    );
    expectOk(stop);
  });

  it('masks secrets the training prints in the output pane', async () => {
    const smoke = await runAction(config, conn, 'smoke', { host: h.alias, project: 'sample' }, { dataDir, env });
    expect(smoke.verdict.outcome, smoke.text).toBe('ok');
    expect(smoke.text).toContain('WANDB_API_KEY=•••');
    expect(smoke.text).toContain('HF_TOKEN=•••');
    expect(leaks(smoke.text)).toEqual([]);
    expect(leaks(JSON.stringify(smoke.runner.store.getState()))).toEqual([]);
  });

  it('says which secret is missing, and runs nothing', async () => {
    const r = await runAction(
      config,
      conn,
      'launch',
      { host: h.alias, project: 'sample', params: { session: 'sec-2', gpus: 'all' } },
      { dataDir, env: { ...env, WANDB_API_KEY: '' } },
    );
    expect(r.verdict.outcome).toBe('failed');
    expect(r.verdict.summary).toContain('projects.sample.secretEnv names WANDB_API_KEY, but WANDB_API_KEY is not set');
    expect(r.verdict.hint).toContain('export WANDB_API_KEY=');
    expect((await h.run("tmux has-session -t '=sec-2'")).code).not.toBe(0);
  });
});
