/** The queue backend: the launch action's request becomes a queue entry, in the sweep's order. */
import { describe, expect, it } from 'vitest';
import { type LaunchRequest, transportExec } from '../../src/backends/runBackend.js';
import { tmuxBackend } from '../../src/backends/tmux/tmuxBackend.js';
import type { RunManifest } from '../../src/runs/layout.js';
import { queueBackend } from '../../src/sweeps/queueBackend.js';
import { EXIT_ENTRY_EXISTS } from '../../src/sweeps/queueEntry.js';
import { ScriptedTransport } from '../support/scriptedTransport.js';

function request(id: string): LaunchRequest {
  const manifest = {
    session: id,
    project: 'p',
    host: 'gpu-a',
    remoteDir: '/home/u/proj',
    log: `/home/u/.trainyard/runs/${id}.log`,
    command: 'python train.py --lr "${ty_p_lr}"',
    resume: null,
    checkpoints: 'checkpoint-*',
    gpus: null,
    startedAt: '2026-12-06T22:00:00.000Z',
    parent: null,
    resumedFrom: null,
    configHash: 'abc',
    git: { commit: null, dirty: false, diffHash: null },
    autoRestart: { enabled: false, max: 3, backoffSeconds: 60 },
    restartCount: 0,
    sweep: 'scan',
    params: { lr: '$(touch x)' },
    runDir: `/home/u/proj/outputs/${id}`,
  } as RunManifest;
  return {
    host: 'gpu-a',
    id,
    project: 'p',
    home: '/home/u',
    remoteDir: '/home/u/proj',
    log: manifest.log,
    command: manifest.command,
    runDir: manifest.runDir as string,
    params: { lr: '$(touch x)' },
    env: {},
    activation: { kind: 'none' },
    gpus: null,
    secrets: null,
    manifest,
  } as LaunchRequest;
}

describe('queue backend', () => {
  it('writes one entry per launch, queued-at times strictly increasing, want and share as given', async () => {
    const seen: { entry: string; want: string; share: string }[] = [];
    const record = (c: { argv: readonly string[] }) => {
      const [, , , , entry, want, share] = c.argv;
      seen.push({ entry, want, share });
      return { stdout: '@@machine m\n@@watchdog 0\n' };
    };
    const t = new ScriptedTransport()
      .expect('trainyard-queue-write', record)
      .expect('trainyard-queue-write', record)
      .expect('trainyard-queue-write', { code: EXIT_ENTRY_EXISTS });
    const queued: [string, boolean][] = [];
    const backend = queueBackend(tmuxBackend, {
      want: 2,
      share: true,
      clock: () => 1765000000000,
      onQueued: (_h, entry, watchdog) => queued.push([entry, watchdog]),
    });
    const exec = transportExec(t);
    expect(await backend.launch(exec, request('scan-1'))).toEqual({ kind: 'started' });
    expect(await backend.launch(exec, request('scan-2'))).toEqual({ kind: 'started' });
    expect(await backend.launch(exec, request('scan-3'))).toEqual({ kind: 'name-taken' });
    t.verify();
    expect(seen).toEqual([
      { entry: '1765000000000-scan-1', want: '2', share: '1' },
      { entry: '1765000000001-scan-2', want: '2', share: '1' },
    ]);
    expect(queued).toEqual([
      ['1765000000000-scan-1', false],
      ['1765000000001-scan-2', false],
    ]);
    // the hostile value travels as data in the manifest (stdin, base64), never in the command line
    expect(t.calls[0].argv.join(' ')).not.toContain('touch x');
    expect(await backend.liveState(exec, 'gpu-a', 'scan-1')).toEqual({ kind: 'absent' });
  });
});
