/** Every smoke verdict through the runner with a scripted transport: pass, loss not going down, OOM, NaN, traceback, exit code, time limit, cancel. */
import { describe, expect, it } from 'vitest';
import { normalizeConfig } from '../../src/config/load.js';
import { ScriptedTransport } from '../support/scriptedTransport.js';
import { branchesLab, HOME } from './branchesLab.js';
import { probeOutput } from './fakeHost.js';
import { runAction } from './helpers.js';

const lab = branchesLab();
const { project, config, dataDir, run } = lab;

describe('smoke verdicts', () => {
  const target = { host: 'gpu-a', project: 'p' };
  const smoke = (lines: string[], result: { code: number | null; signal?: string }) => {
    lab.transport = new ScriptedTransport().expect('trainyard-probe', { stdout: probeOutput({ home: HOME }) });
    lab.transport.expectStream('trainyard-smoke', { lines, result });
    return run('smoke', target);
  };

  it('passes when it exits 0 with the loss going down, and says when the loss did not', async () => {
    const down = await smoke(['step 1 loss 2.5', 'step 2 loss 1.9', 'step 3 loss 1.2'], { code: 0 });
    expect(down.verdict).toMatchObject({ outcome: 'ok', cause: 'passed', summary: 'smoke test passed' });
    lab.transport.verify();
    const flat = await smoke(['step 1 loss 1.0', 'step 2 loss 1.5', 'step 3 loss 2.0'], { code: 0 });
    expect(flat.verdict).toMatchObject({ outcome: 'ok', summary: 'smoke test passed, but the loss did not go down' });
  });

  it('names CUDA out of memory, a NaN loss, a traceback and a bare exit code', async () => {
    expect(
      (
        await smoke(['step 1 loss 2.0', 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB'], {
          code: 1,
        })
      ).verdict,
    ).toMatchObject({ outcome: 'failed', cause: 'cuda-oom' });
    lab.transport.verify();
    expect((await smoke(['step 1 loss 2.0', 'step 2 loss nan'], { code: 0 })).verdict).toMatchObject({
      outcome: 'failed',
      cause: 'nan-loss',
    });
    lab.transport.verify();
    expect(
      (
        await smoke(
          ['Traceback (most recent call last):', '  File "train.py", line 3, in <module>', 'ValueError: bad config'],
          { code: 1 },
        )
      ).verdict,
    ).toMatchObject({
      outcome: 'failed',
      cause: 'traceback',
      summary: 'smoke test FAILED: Python error: ValueError: bad config',
    });
    lab.transport.verify();
    const missing = await smoke(['bash: python: command not found'], { code: 127 });
    expect(missing.verdict).toMatchObject({
      outcome: 'failed',
      cause: 'exit-code',
      hint: 'a command was not found on the host (python? conda?)',
    });
  });

  it('a run that hangs is stopped at the time limit; a cancelled one says cancelled and its stream is closed', async () => {
    const quick = normalizeConfig(
      { hosts: ['gpu-a'], projects: { p: { ...project, smokeTimeoutSeconds: 1 } } },
      '/cfg.json',
    );
    lab.transport = new ScriptedTransport().expect('trainyard-probe', { stdout: probeOutput({ home: HOME }) });
    const hung = lab.transport.expectStream('trainyard-smoke', { live: true });
    const r = await runAction(quick, lab.transport, 'smoke', target, { dataDir: dataDir() });
    expect(hung.cancelled).toBe(true);
    expect(r.verdict).toMatchObject({ outcome: 'failed', cause: 'timeout' });
    lab.transport.verify();

    lab.transport = new ScriptedTransport().expect('trainyard-probe', { stdout: probeOutput({ home: HOME }) });
    const feed = lab.transport.expectStream('trainyard-smoke', { live: true });
    const cancelled = runAction(config, lab.transport, 'smoke', target, {
      dataDir: dataDir(),
      onStart: (runner, runId) => void feed.opened.then(() => runner.cancel(runId)),
    });
    expect((await cancelled).verdict.outcome).toBe('cancelled');
    expect(feed.cancelled).toBe(true);
  });
});
