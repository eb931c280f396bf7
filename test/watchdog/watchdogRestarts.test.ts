/**
 * The watchdog's automatic restarts on a real host (sshd, tmux, the fake nvidia-smi): from the
 * newest checkpoint at most autoRestart.max times, with a checkpoint named like shell code, not
 * after the cockpit restarted the run itself, and a restart by the user worded as one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shScript } from '../../src/commands/value.js';
import { shQuote } from '../../src/shell/quote.js';
import type { Transport } from '../../src/transport/types.js';
import { installWatchdog, readWatchdogState } from '../../src/watchdog/operations.js';
import { canRunTestHosts, type TestHosts } from '../harness/testHosts.js';
import { FAST, has, launchTestRun, sleep, waitForEvents } from './helpers.js';
import { manifests, QCKPT, startWatchdogHost } from './watchdogLab.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`watchdog integration tests cannot run in CI: ${can.reason}`);

describe.skipIf(!can.ok)('the watchdog restarting runs on a real host (sshd, tmux, fake nvidia-smi)', () => {
  let hosts: TestHosts;
  let t1: Transport;
  let close1: () => void;
  let home1: string;

  beforeAll(async () => {
    ({ hosts, t1, close1, home1 } = await startWatchdogHost());
    await t1.exec(
      shScript(
        'mkdir -p proj/outputs/checkpoint-50 proj/outputs/checkpoint-999 proj/outputs/checkpoint-1000 && touch -d "1 hour ago" proj/outputs/checkpoint-1000',
      ),
    );
    await t1.exec(shScript('cat > proj/train.sh'), { stdin: 'echo "train args: $*"\nsleep 1\nexit 2\n' });
    await t1.exec(shScript('mkdir -p qproj && cat > qproj/args.sh'), {
      stdin: 'for a in "$@"; do printf "<%s>\\n" "$a"; done\nsleep 1\nexit 2\n',
    });
    await t1.exec(shScript(`cd qproj && mkdir -p -- ${shQuote(`outputs/${QCKPT}`)} outputs/ck-10`));

    const installed = await installWatchdog(t1, 'gpu-1', FAST);
    expect(installed.action).toBe('started');

    const ar = (max: number, backoffSeconds: number) => ({ enabled: true, max, backoffSeconds });
    await Promise.all([
      launchTestRun(t1, 'gpu-1', home1, {
        session: 'resumer-a1b2',
        project: 'resumer',
        command: 'bash train.sh',
        resume: '--resume {checkpoint}',
        checkpoints: 'outputs/checkpoint-*',
        gpus: '1',
        autoRestart: ar(2, 1),
      }),
      launchTestRun(t1, 'gpu-1', home1, {
        session: 'qresume-c0de',
        project: 'qresume',
        dir: 'qproj',
        command: 'bash args.sh',
        // double quotes are natural to write; the checkpoint below is named like shell code
        resume: '--ckpt="{checkpoint}" --tag \'a b\'',
        checkpoints: 'outputs/ck-*',
        gpus: '1',
        autoRestart: ar(1, 0),
      }),
    ]);
  }, 60_000);

  afterAll(async () => {
    close1?.();
    await hosts?.stop();
  });

  it('restarts a crashed run from its newest checkpoint, at most autoRestart.max times', async () => {
    const events = await waitForEvents(
      t1,
      'gpu-1',
      (e) => e.some((x) => x.kind === 'restart-limit' && x.project === 'resumer'),
      40_000,
      'resumer chain to reach its limit',
    );
    const chain = events.filter((e) => e.project === 'resumer' && e.kind !== 'running');
    const restarted = chain.filter((e) => e.kind === 'restarted');
    expect(restarted).toHaveLength(2);
    // each name says which run it continues: the lineage's first name and the restart number
    expect(restarted[0].detail).toBe('restarted as resumer-a1b2-r1 from outputs/checkpoint-1000 (1 of 2)');
    expect(restarted[1].detail).toMatch(/^restarted as resumer-a1b2-r2 .* \(2 of 2\)$/);
    expect(chain.map((e) => e.kind)).toEqual([
      'crashed',
      'restart-scheduled',
      'restarted',
      'crashed',
      'restart-scheduled',
      'restarted',
      'crashed',
      'restart-limit',
    ]);
    expect(chain[1].detail).toBe('restart 1 of 2 in 1 s');
    expect(chain[4].detail).toBe('restart 2 of 2 in 2 s'); // back-off doubles

    const runs = (await manifests(t1)).filter((m) => m.project === 'resumer');
    expect(runs).toHaveLength(3);
    const first = runs.find((m) => m.parent === null)!;
    const second = runs.find((m) => m.parent === first.session)!;
    const third = runs.find((m) => m.parent === second.session)!;
    expect(second).toMatchObject({
      restartCount: 1,
      resumedFrom: 'outputs/checkpoint-1000',
      command: 'bash train.sh',
      effectiveCommand: 'bash train.sh --resume "$ty_checkpoint"',
      log: `${home1}/.trainyard/runs/${second.session}.log`,
      script: `${home1}/.trainyard/runs/${second.session}.sh`,
      remoteDir: first.remoteDir,
      configHash: first.configHash,
      localDir: first.localDir,
      autoRestart: first.autoRestart,
    });
    expect(third.restartCount).toBe(2);
    expect(Object.keys(second)).toEqual([...Object.keys(first), 'restartedBy']); // every field kept, in order
    expect([second.restartedBy, third.restartedBy]).toEqual(['watchdog', 'watchdog']);
    const log = (await t1.exec(shScript(`cat ${second.log}`))).stdout;
    expect(log).toContain('train args: --resume outputs/checkpoint-1000');
    const script = (await t1.exec(shScript(`cat ${second.script}`))).stdout;
    expect(script).toContain(
      `ty_checkpoint=outputs/checkpoint-1000\nty_command='bash train.sh --resume "$ty_checkpoint"'`,
    );
  }, 60_000);

  it('restarts with a checkpoint named like shell code as one argument, whatever quotes the template has', async () => {
    const events = await waitForEvents(
      t1,
      'gpu-1',
      (e) => e.some((x) => x.project === 'qresume' && x.kind === 'restarted'),
      30_000,
      'qresume restarted',
    );
    expect(events.find((e) => e.project === 'qresume' && e.kind === 'restarted')?.detail).toContain(
      `from outputs/${QCKPT}`,
    );
    const child = (await manifests(t1)).find((m) => m.parent === 'qresume-c0de')!;
    expect(child.resumedFrom).toBe(`outputs/${QCKPT}`);
    await waitForEvents(t1, 'gpu-1', (e) => has(e, child.session, 'crashed'), 20_000, 'qresume child ended');
    const log = (await t1.exec(shScript(`cat ${child.log}`))).stdout;
    expect(log).toContain(`<--ckpt=outputs/${QCKPT}>\n<--tag>\n<a b>\n`);
    expect((await t1.exec(shScript('find "$HOME" /tmp -name "PWNED*" 2>/dev/null'))).stdout).toBe('');
  }, 60_000);

  it('does not restart a run the cockpit restarted during the back-off', async () => {
    await launchTestRun(t1, 'gpu-1', home1, {
      session: 'manual-run',
      command: 'sleep 4; exit 6',
      gpus: '1',
      autoRestart: { enabled: true, max: 3, backoffSeconds: 6 },
    });
    await waitForEvents(
      t1,
      'gpu-1',
      (e) => has(e, 'manual-run', 'restart-scheduled'),
      15_000,
      'manual-run restart scheduled',
    );
    await launchTestRun(t1, 'gpu-1', home1, { session: 'manual-run-2', command: 'sleep 300', gpus: '1' });
    // what a restart by the cockpit writes: a manifest naming its parent
    await t1.exec(shScript(`sed -i 's/"parent":null/"parent":"manual-run"/' .trainyard/runs/manual-run-2.json`));
    await sleep(8000); // past the back-off
    const events = await waitForEvents(t1, 'gpu-1', () => true);
    // a quiet log may also be called silent before the crash (its 4 s equal the threshold): not what this is about
    const restartFlow = events.filter((e) => e.session === 'manual-run' && e.kind !== 'silent' && e.kind !== 'stalled');
    expect(restartFlow.map((e) => e.kind)).toEqual(['running', 'crashed', 'restart-scheduled']);
    const summary = (await readWatchdogState(t1, 'gpu-1')).summary!;
    expect(summary.runs.find((r) => r.session === 'manual-run')?.autoRestart).toMatchObject({
      state: 'done',
      child: 'manual-run-2',
    });
    await t1.exec(shScript('tmux kill-session -t =manual-run-2'));
  }, 30_000);

  it('words a restart by the user as one, never as "automatic restart 0 of 3"', async () => {
    await launchTestRun(t1, 'gpu-1', home1, {
      session: 'by-hand-2',
      command: 'sleep 300',
      gpus: '1',
      autoRestart: { enabled: true, max: 3, backoffSeconds: 60 },
      manifest: { parent: 'by-hand', restartedBy: 'user', resumedFrom: 'out/ckpt-20', restartCount: 1 },
    });
    const events = await waitForEvents(t1, 'gpu-1', (e) => has(e, 'by-hand-2', 'running'), 15_000, 'by-hand-2 running');
    const detail = events.find((e) => e.session === 'by-hand-2' && e.kind === 'running')?.detail;
    expect(detail).toBe('running (restarted by you from out/ckpt-20, after by-hand)');
    await t1.exec(shScript('tmux kill-session -t =by-hand-2'));
  }, 30_000);
});
