/**
 * The smoke test against a real host: live output, verdicts with their causes, conda through
 * its shell hook in a non-interactive shell, a venv, the time limit, and cancelling — after
 * which the remote process is really gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import type { SshConnection } from '../../src/ssh/connection.js';
import { canRunTestHosts, type TestHosts } from '../harness/testHosts.js';
import { waitFor } from '../support/waitFor.js';
import {
  type ActionLab,
  expectOk,
  labConfig,
  type RemoteHost,
  runAction,
  sampleProject,
  startActionLab,
} from './helpers.js';

const can = canRunTestHosts();

/** conda as `conda init` leaves it: a binary whose shell.bash hook defines the conda function. */
const FAKE_CONDA = `#!/bin/sh
if [ "$1 $2" = "shell.bash hook" ]; then cat <<'HOOK'
conda() {
  if [ "$1" = activate ]; then
    [ -d "$HOME/miniconda3/envs/$2" ] || { echo "EnvironmentNameNotFound: Could not find conda environment: $2" >&2; return 1; }
    export CONDA_DEFAULT_ENV="$2"; export PATH="$HOME/miniconda3/envs/$2/bin:$PATH"
  fi
}
HOOK
fi
`;

describe.skipIf(!can.ok)('smoke test on a real host', () => {
  let fixture: ActionLab;
  let lab: TestHosts;
  let h: RemoteHost;
  let base: Config;
  let conn: SshConnection;
  let local: string;
  let dataDir: string;
  const env = { ...process.env, TMUX: '' };
  const cfg = (overrides: Record<string, unknown>) => labConfig(lab, { sample: sampleProject(local, overrides) });
  const smoke = (config: Config, onStart?: Parameters<typeof runAction>[4]['onStart']) =>
    runAction(config, conn, 'smoke', { host: h.alias, project: 'sample' }, { dataDir, env, onStart });
  // every test host runs as tytest, and other checkouts' tests may run this same command: this run's own mark
  const SUBSET = 10_000 + (process.pid % 50_000);
  const LONG_SMOKE = `python3 train.py --steps 100000 --step-seconds 0.05 --subset ${SUBSET}`;
  const running = async () =>
    (
      await h.run(`pgrep -u tytest -f 'train[.]py --steps 100000 --step-seconds 0[.]05 --subset ${SUBSET}' || true`)
    ).stdout.trim();

  beforeAll(async () => {
    fixture = await startActionLab({ prefix: 'ty-smoke-', projects: (local) => ({ sample: sampleProject(local) }) });
    ({ lab, h, conn, local, dataDir, config: base } = fixture);
    expectOk(await runAction(base, conn, 'sync', { host: h.alias, project: 'sample' }, { dataDir, env }));
    await h.run(
      `mkdir -p ~/miniconda3/bin ~/miniconda3/envs/torch/bin && cat > ~/miniconda3/bin/conda <<'EOF'\n${FAKE_CONDA}EOF\n` +
        `chmod +x ~/miniconda3/bin/conda && printf '#!/bin/sh\\necho "python from conda env torch"\\nexec /usr/bin/python3 "$@"\\n' > ~/miniconda3/envs/torch/bin/python3 && chmod +x ~/miniconda3/envs/torch/bin/python3 && ` +
        `mkdir -p ~/work/sample/.venv/bin && printf 'export VIRTUAL_ENV=%s\\n' "$HOME/work/sample/.venv" > ~/work/sample/.venv/bin/activate`,
    );
  });

  afterAll(() => fixture?.stop());

  it('passes a good run, with the loss going down, output streamed line by line', async () => {
    const lines: string[] = [];
    const r = await runAction(
      base,
      conn,
      'smoke',
      { host: h.alias, project: 'sample' },
      { dataDir, env, onEvent: (e) => e.type === 'line' && lines.push(e.text) },
    );
    expect(r.verdict).toMatchObject({ outcome: 'ok', cause: 'passed' });
    expect(lines.filter((l) => /^step \d+ loss/.test(l))).toHaveLength(10);
    expect(r.verdict.details[0]).toMatch(/^loss went down: 2\.349 → 1\.294 over 10 values$/);
  });

  it('shows megabytes of tqdm \\r updates as progress and one final line, not as lines', async () => {
    const lines: string[] = [];
    const progress: string[] = [];
    const bar = `python3 -c 'import sys
for i in range(1, 40001): sys.stderr.write("\\r%3d%%|%-40s| %d/40000 [00:01<00:00]" % (i * 100 // 40000, "#" * (i * 40 // 40000), i))
sys.stderr.write("\\n"); print("step 1 loss 2.0"); print("step 2 loss 1.0")'`;
    const r = await runAction(
      cfg({ smoke: bar }),
      conn,
      'smoke',
      { host: h.alias, project: 'sample' },
      {
        dataDir,
        env,
        onEvent: (e) => {
          if (e.type === 'line') lines.push(e.text);
          if (e.type === 'progress' && e.progress && !e.progress.label.startsWith('smoke test'))
            progress.push(e.progress.label);
        },
      },
    );
    expect(r.verdict.outcome, r.text).toBe('ok');
    expect(lines.filter((l) => /^\s*\d+%\|/.test(l))).toEqual([`100%|${'#'.repeat(40)}| 40000/40000 [00:01<00:00]`]);
    expect(progress.length).toBeGreaterThan(0);
    // progress arrives once per chunk the channel delivers, and chunks shrink on a loaded machine: the
    // bound says "not one per update" (40 000 would be one each) with room for small chunks
    expect(progress.length).toBeLessThan(10_000);
    expect(progress.filter((p) => !/^\s*\d+%\|#*\s*\| \d+\/40000/.test(p))).toEqual([]);
  });

  it.each([
    ['--fail oom', 'cuda-oom', /CUDA out of memory/, /reduce the batch size/],
    ['--fail nan', 'nan-loss', /loss became nan/, /learning rate/],
    ['--fail exit', 'exit-code', /exited with code 3/, /output above/],
  ])('recognises %s as %s', async (flag, cause, summary, hint) => {
    const r = await smoke(cfg({ smoke: `python3 train.py --steps 5 --step-seconds 0 ${flag}` }));
    expect(r.verdict.outcome, r.text).toBe('failed');
    expect(r.verdict.cause).toBe(cause);
    expect(r.verdict.summary).toMatch(summary);
    expect(r.verdict.hint).toMatch(hint);
  });

  it('names the exception of a traceback', async () => {
    const r = await smoke(cfg({ smoke: 'python3 train.py --steps 5 --step-seconds 0', env: { CRASH_AT_STEP: '3' } }));
    expect(r.verdict).toMatchObject({
      outcome: 'failed',
      cause: 'traceback',
      summary: 'smoke test FAILED: Python error: RuntimeError: simulated crash at step 3',
    });
    expect(r.verdict.details[0]).toMatch(/loss went down/);
  });

  it('activates conda through its shell hook in a non-interactive shell', async () => {
    const r = await smoke(
      cfg({ conda: 'torch', smoke: 'python3 train.py --steps 2 --step-seconds 0 --print-env CONDA_DEFAULT_ENV' }),
    );
    expect(r.verdict.outcome, r.text).toBe('ok');
    expect(r.text).toContain('python from conda env torch');
    expect(r.text).toContain('CONDA_DEFAULT_ENV=torch');
    const missing = await smoke(cfg({ conda: 'nope', smoke: 'python3 train.py --steps 2' }));
    expect(missing.verdict.outcome).toBe('failed');
    expect(missing.text).toContain(
      'trainyard: conda activate nope failed — check the environment exists on this host: conda env list',
    );
  });

  it('activates a venv relative to the project directory', async () => {
    const r = await smoke(
      cfg({ venv: '.venv', smoke: 'python3 train.py --steps 2 --step-seconds 0 --print-env VIRTUAL_ENV' }),
    );
    expect(r.verdict.outcome, r.text).toBe('ok');
    expect(r.text).toContain('VIRTUAL_ENV=/home/tytest/work/sample/.venv');
  });

  it('cancels: the remote process dies with the channel', async () => {
    let started = false;
    const r = await smoke(cfg({ smoke: LONG_SMOKE }), (runner, runId) => {
      const unsub = runner.store.subscribe((s) => {
        if (!started && s.runs[runId]?.lines.some((l) => l.text.startsWith('step 3 '))) {
          started = true;
          unsub();
          runner.cancel(runId);
        }
      });
    });
    expect(started).toBe(true);
    expect(r.verdict.outcome).toBe('cancelled');
    await waitFor(running, { until: (left) => left === '', intervalMs: 100, what: 'the smoke command to be gone' });
  });

  it('stops at the time limit: a run printing losses passes, a silent one fails', async () => {
    const t0 = Date.now();
    const r = await smoke(cfg({ smoke: LONG_SMOKE, smokeTimeoutSeconds: 1.5 }));
    expect(Date.now() - t0).toBeLessThan(6000);
    expect(r.verdict).toMatchObject({ outcome: 'ok', cause: 'time-limit' });
    expect(r.verdict.summary).toContain('no error in the first 1.5 s (stopped at the time limit)');
    await waitFor(running, { until: (left) => left === '', intervalMs: 100, what: 'the smoke command to be gone' });

    // a unique duration: other test files run processes as the same user on this machine
    const silent = await smoke(cfg({ smoke: 'sleep 31.4159', smokeTimeoutSeconds: 1 }));
    expect(silent.verdict).toMatchObject({ outcome: 'failed', cause: 'timeout' });
    const sleeping = async () => (await h.run("pgrep -u tytest -a -f 'sleep 31[.]4159' || true")).stdout.trim();
    await waitFor(sleeping, { until: (left) => left === '', intervalMs: 100, what: 'the smoke command to be gone' });
  });

  it('says to sync first when the project is not on the host', async () => {
    const r = await smoke(cfg({ remote: '~/work/elsewhere' }));
    expect(r.verdict.outcome).toBe('failed');
    expect(r.verdict.summary).toBe('/home/tytest/work/elsewhere does not exist on gpu-1');
    expect(r.verdict.hint).toBe('sync the code first: trainyard sync sample --host gpu-1');
  });
});
