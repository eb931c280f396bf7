/**
 * What the session tests on a real host share: an action lab (one sshd host, the sample project
 * copied) with the project synced there, and launching the sample project under a session name
 * with a train command of the test's own.
 */
import { expect } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { type ActionLab, expectOk, labConfig, runAction, sampleProject, startActionLab } from './helpers.js';

/** The action lab with the sample project synced to its host. */
export async function startSessionsLab(prefix: string, env: NodeJS.ProcessEnv): Promise<ActionLab> {
  const fixture = await startActionLab({ prefix, projects: (local) => ({ sample: sampleProject(local) }) });
  try {
    const { config, conn, h, dataDir } = fixture;
    expectOk(await runAction(config, conn, 'sync', { host: h.alias, project: 'sample' }, { dataDir, env }));
    return fixture;
  } catch (error) {
    await fixture.stop();
    throw error;
  }
}

/** Launches the sample project as `session` running `train` (Ctrl-C grace 1.5 s); returns the config it used. */
export async function launchSample(
  fixture: ActionLab,
  env: NodeJS.ProcessEnv,
  session: string,
  train: string,
): Promise<Config> {
  const { lab, local, conn, h, dataDir } = fixture;
  const c = labConfig(lab, { sample: sampleProject(local, { train, stopGraceSeconds: 1.5 }) });
  const r = await runAction(
    c,
    conn,
    'launch',
    { host: h.alias, project: 'sample', params: { session, gpus: 'all', verifyMs: 0 } },
    { dataDir, env, assumeYes: true },
  );
  expect(r.verdict.outcome, r.text).toBe('ok');
  return c;
}
