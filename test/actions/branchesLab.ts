/**
 * What the action-branch tests share: a project on one host "gpu-a", a scripted transport the test
 * sets (and which must have been used up by the end of each test), answers from a list, and the
 * runner driven through them. No root, no sshd.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach } from 'vitest';
import type { Answerer } from '../../src/actions/runner.js';
import type { ActionId } from '../../src/actions/types.js';
import { normalizeConfig } from '../../src/config/load.js';
import type { RunManifest } from '../../src/runs/layout.js';
import type { ScriptedTransport } from '../support/scriptedTransport.js';
import { type ActionResult, runAction } from './helpers.js';

const PROJECT = {
  remote: '/w/p',
  train: 'python train.py',
  smoke: 'python train.py --smoke',
  checkpoints: 'checkpoint-*',
  resume: '--resume {checkpoint}',
};
export const HOME = '/home/u';
export const launchTarget = { host: 'gpu-a', project: 'p', params: { session: 'r1', gpus: 'all', verifyMs: 0 } };

/** Answers confirms from the list in order (recording each question) and takes every default. */
export function answers(...yes: boolean[]): { answerer: Answerer; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    answerer: async (q) => {
      if (q.kind !== 'confirm') return q.defaultValue;
      asked.push(q.title);
      return yes.shift() ?? false;
    },
  };
}

/** A finished run's manifest, to restart from or to find live on the host. */
export function parentManifest(over: Partial<RunManifest> = {}): Partial<RunManifest> {
  return {
    session: 'old1',
    project: 'p',
    host: 'gpu-a',
    remoteDir: '/w/p',
    command: 'python train.py',
    resume: '--resume {checkpoint}',
    checkpoints: 'outputs/checkpoint-*',
    startedAt: '2026-01-01T00:00:00Z',
    restartCount: 0,
    configHash: 'x',
    ...over,
  };
}

/** A scratch folder for this test file (removed after it), the project and config, and the runner over `lab.transport`. */
export function branchesLab() {
  const work = mkdtempSync('/tmp/ty-branches-');
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const project = { ...PROJECT, local: work };
  const config = normalizeConfig({ hosts: ['gpu-a'], projects: { p: project } }, '/cfg.json');
  let n = 0;
  const lab = {
    work,
    project,
    config,
    transport: undefined as unknown as ScriptedTransport,
    dataDir: () => path.join(work, `data-${++n}`),
    run(
      action: ActionId,
      target: Parameters<typeof runAction>[3],
      opts: { answerer?: Answerer; dataDir?: string } = {},
    ): Promise<ActionResult> {
      return runAction(config, lab.transport, action, target, {
        dataDir: opts.dataDir ?? lab.dataDir(),
        answerer: opts.answerer ?? answers().answerer,
      });
    },
  };
  afterEach(() => lab.transport?.verify());
  return lab;
}
