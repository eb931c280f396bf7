/**
 * The watchdog on a real host (sshd, tmux, the fake nvidia-smi): installing and upgrading it, what
 * it reports about runs (finished, crashed, CUDA out of memory, a loss gone to inf, stalled and
 * silent), a run the user stopped, a hostile session name, its summary, and the events CLI.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopCommand } from '../../src/backends/tmux/tmuxCommands.js';
import { parseCliArgs } from '../../src/cli/args.js';
import { runEventsCli } from '../../src/cli/events.js';
import { runWatchdogCli } from '../../src/cli/watchdog.js';
import { shScript } from '../../src/commands/value.js';
import type { Config } from '../../src/config/types.js';
import { restartName } from '../../src/runs/restartName.js';
import type { Transport } from '../../src/transport/types.js';
import { installCommand } from '../../src/watchdog/commands.js';
import { installWatchdog, readWatchdogState, runRemote } from '../../src/watchdog/operations.js';
import { stampedWatchdogScript } from '../../src/watchdog/script.js';
import { markSeen } from '../../src/watchdog/seen.js';
import { watchdogStatusFor } from '../../src/watchdog/status.js';
import { canRunTestHosts, type TestHosts } from '../harness/testHosts.js';
import { tempDir } from '../support/tempDir.js';
import { count, FAST, has, launchTestRun, sleep, waitForEvents, watchdogProcesses } from './helpers.js';
import { fixture, HOSTILE, manifests, startWatchdogHost } from './watchdogLab.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`watchdog integration tests cannot run in CI: ${can.reason}`);

describe.skipIf(!can.ok)('the watchdog on a real host (sshd, tmux, fake nvidia-smi)', () => {
  let hosts: TestHosts;
  let config: Config;
  let t1: Transport;
  let close1: () => void;
  let home1: string;
  let firstPid: number | null;

  beforeAll(async () => {
    ({ hosts, config, t1, close1, home1 } = await startWatchdogHost());
    await t1.exec(shScript('mkdir -p proj && cat > proj/cuda-oom.log'), { stdin: fixture('cuda-oom.log') });
    await t1.exec(shScript('cat > proj/loss-inf.log'), { stdin: fixture('loss-inf.log') });

    const installed = await installWatchdog(t1, 'gpu-1', FAST);
    expect(installed.action).toBe('started');
    firstPid = installed.pid;

    const ar = (max: number, backoffSeconds: number) => ({ enabled: true, max, backoffSeconds });
    // Runs that end last 6 s: long enough for a 1 s watchdog to see them running on a loaded CI machine.
    await Promise.all([
      launchTestRun(t1, 'gpu-1', home1, {
        session: 'ok-run',
        command: 'echo step 1 loss 2.0; sleep 6; echo done',
        gpus: '1',
      }),
      launchTestRun(t1, 'gpu-1', home1, { session: 'crash-run', command: 'echo starting; sleep 6; exit 3', gpus: '1' }),
      launchTestRun(t1, 'gpu-1', home1, { session: 'stall-run', command: 'sleep 300', gpus: '0' }),
      launchTestRun(t1, 'gpu-1', home1, {
        session: 'oom-run',
        command: 'sleep 1; cat cuda-oom.log; exit 1',
        gpus: '1',
      }),
      launchTestRun(t1, 'gpu-1', home1, { session: 'inf-run', command: 'sleep 1; cat loss-inf.log', gpus: '1' }),
      launchTestRun(t1, 'gpu-1', home1, {
        session: 'stop-run',
        command: 'while :; do echo step; sleep 1; done',
        gpus: '1',
        autoRestart: ar(3, 0),
      }),
      launchTestRun(t1, 'gpu-1', home1, {
        session: HOSTILE,
        project: `p'$(touch PWNED4)`,
        command: 'for i in 1 2 3 4 5 6; do echo tick; sleep 1; done; exit 4',
        gpus: '1',
        autoRestart: ar(1, 0),
      }),
    ]);
  }, 60_000);

  afterAll(async () => {
    close1?.();
    await hosts?.stop();
  });

  it('installing twice keeps one watchdog; a new config restarts it, a new script upgrades it', async () => {
    const again = await installWatchdog(t1, 'gpu-1', FAST);
    expect(again).toMatchObject({ action: 'unchanged', pid: firstPid, configChanged: false });
    expect(watchdogProcesses(hosts.host('gpu-1'))).toEqual([firstPid]);
    expect(
      (await t1.exec(shScript('tmux ls -F "#{session_name}" | grep -c "^trainyard-watchdog$"'))).stdout.trim(),
    ).toBe('1');

    const restarted = await installWatchdog(t1, 'gpu-1', { ...FAST, gpuIdlePercent: 6 });
    expect(restarted.action).toBe('restarted');
    expect(restarted.pid).not.toBe(firstPid);
    const { text, version } = stampedWatchdogScript();
    const upgraded = await runRemote(t1, installCommand('gpu-1', `${text}\n# a newer script\n`, version, false));
    expect(upgraded.stdout).toContain('@@action upgraded');
    await installWatchdog(t1, 'gpu-1', { ...FAST, gpuIdlePercent: 5 }); // back to the shipped script and config
    expect(watchdogProcesses(hosts.host('gpu-1'))).toHaveLength(1);
    const state = await readWatchdogState(t1, 'gpu-1');
    expect(state).toMatchObject({ installed: true, running: true, pane: 'alive', version });
  }, 30_000);

  it('reports a run that finishes, once', async () => {
    const events = await waitForEvents(t1, 'gpu-1', (e) => has(e, 'ok-run', 'finished'), 20_000, 'ok-run finished');
    expect(events.find((e) => e.session === 'ok-run' && e.kind === 'running')).toBeDefined();
    expect(events.find((e) => e.session === 'ok-run' && e.kind === 'finished')).toMatchObject({
      level: 'info',
      detail: 'exit code 0',
      project: 'proj',
      pushed: false,
    });
  }, 30_000);

  it('reports a crash with its exit code, once per transition', async () => {
    await waitForEvents(t1, 'gpu-1', (e) => has(e, 'crash-run', 'crashed'), 20_000, 'crash-run crashed');
    await sleep(3000); // three more intervals
    const events = await waitForEvents(t1, 'gpu-1', () => true);
    expect(count(events, 'crash-run', 'crashed')).toBe(1);
    expect(count(events, 'crash-run', 'running')).toBe(1);
    expect(events.find((e) => e.session === 'crash-run' && e.kind === 'crashed')).toMatchObject({
      level: 'error',
      detail: 'exit code 3',
    });
    expect(has(events, 'crash-run', 'restart-scheduled')).toBe(false); // autoRestart is off by default
  }, 30_000);

  it('finds the CUDA out-of-memory error and its traceback in the real log', async () => {
    const events = await waitForEvents(t1, 'gpu-1', (e) => has(e, 'oom-run', 'crashed'), 20_000, 'oom-run crashed');
    expect(events.find((e) => e.session === 'oom-run' && e.kind === 'oom')?.detail).toMatch(
      /^torch\.OutOfMemoryError: CUDA out of memory\. Tried to allocate 186\.27 GiB/,
    );
    expect(events.find((e) => e.session === 'oom-run' && e.kind === 'traceback')?.detail).toMatch(
      /^torch\.OutOfMemoryError/,
    );
    expect(events.find((e) => e.session === 'oom-run' && e.kind === 'crashed')?.detail).toMatch(
      /^exit code 1: torch\.OutOfMemoryError: CUDA out of memory/,
    );
    const kinds = events.filter((e) => e.session === 'oom-run').map((e) => e.kind);
    expect(kinds.indexOf('oom')).toBeLessThan(kinds.indexOf('crashed'));
  }, 30_000);

  it('finds a loss that went to inf in a run that exits 0', async () => {
    const events = await waitForEvents(t1, 'gpu-1', (e) => has(e, 'inf-run', 'finished'), 20_000, 'inf-run finished');
    expect(events.find((e) => e.session === 'inf-run' && e.kind === 'diverged')).toMatchObject({
      level: 'warn',
      detail: 'step 1 loss inf',
    });
    expect(count(events, 'inf-run', 'diverged')).toBe(1);
  }, 30_000);

  it('calls a live run with idle GPUs stalled and a quiet log silent, and sees both recover', async () => {
    const events = await waitForEvents(
      t1,
      'gpu-1',
      (e) => has(e, 'stall-run', 'stalled') && has(e, 'stall-run', 'silent'),
      20_000,
      'stall-run stalled and silent',
    );
    // the first test runs the watchdog for a moment with gpuIdlePercent 6: the stall may be seen then
    expect(events.find((e) => e.session === 'stall-run' && e.kind === 'stalled')?.detail).toMatch(
      /^GPU utilisation 0% \(under [56]%\) for \d+ s/,
    );
    for (const busy of ['ok-run', 'crash-run', 'stop-run']) expect(has(events, busy, 'stalled')).toBe(false); // their GPU 1 is at 90 %
    const summary = (await readWatchdogState(t1, 'gpu-1')).summary!;
    expect(summary.runs.find((r) => r.session === 'stall-run')).toMatchObject({
      status: 'running',
      stalled: true,
      silent: true,
      gpuUtilization: 0,
    });

    hosts.host('gpu-1').setGpu({ mode: 'load', count: 2, util: [90, 90] });
    await t1.exec(shScript(`echo 'step 2 loss 1.9' >> ${home1}/.trainyard/runs/stall-run.log`));
    const after = await waitForEvents(
      t1,
      'gpu-1',
      (e) => count(e, 'stall-run', 'recovered') === 2,
      15_000,
      'stall-run recovered twice',
    );
    expect(
      after
        .filter((e) => e.session === 'stall-run' && e.kind === 'recovered')
        .map((e) => e.detail)
        .sort(),
    ).toEqual(['GPU busy again (90%)', 'the log is written again']);
    hosts.host('gpu-1').setGpu({ mode: 'load', count: 2, util: [0, 90] });
  }, 40_000);

  it('never restarts a run the user stopped', async () => {
    await waitForEvents(t1, 'gpu-1', (e) => has(e, 'stop-run', 'running'), 15_000, 'stop-run running');
    const stop = stopCommand('gpu-1', 'stop-run', 1);
    const r = await t1.exec(stop, { timeoutMs: 20_000 });
    expect(r.code).toBe(0);
    await waitForEvents(t1, 'gpu-1', (e) => has(e, 'stop-run', 'stopped'), 15_000, 'stop-run stopped');
    await sleep(3000);
    const events = await waitForEvents(t1, 'gpu-1', () => true);
    expect(events.filter((e) => e.session === 'stop-run').map((e) => e.kind)).toEqual(['running', 'stopped']);
    expect((await manifests(t1)).filter((m) => m.parent === 'stop-run')).toEqual([]);
  }, 40_000);

  it('treats a hostile session name as data: reported, restarted, never run', async () => {
    const events = await waitForEvents(
      t1,
      'gpu-1',
      (e) => has(e, HOSTILE, 'restarted'),
      20_000,
      'hostile run restarted',
    );
    expect(events.filter((e) => e.session === HOSTILE).map((e) => e.kind)).toEqual([
      'running',
      'crashed',
      'restart-scheduled',
      'restarted',
    ]);
    const child = (await manifests(t1)).find((m) => m.parent === HOSTILE)!;
    expect(child.session).toBe(restartName(HOSTILE, () => false)); // the same rule as a restart by the user
    expect(child.session).toMatch(/^evil-[A-Za-z0-9_-]*-x-r1$/);
    expect(child.project).toBe(`p'$(touch PWNED4)`);
    const found = await t1.exec(shScript('find "$HOME" /tmp -name "PWNED*" 2>/dev/null'));
    expect(found.stdout).toBe('');
  }, 30_000);

  it('writes a summary of every run and answers status --json with unread events', async () => {
    const seenFile = path.join(tempDir('ty-seen-'), 'seen.json');
    const status = await watchdogStatusFor(t1, 'gpu-1', { seenFile, maxUnread: 500 });
    expect(status).toMatchObject({ installed: true, running: true, upToDate: true, stale: false, error: null });
    const runs = Object.fromEntries(status.summary!.runs.map((r) => [r.session, r]));
    expect(runs['ok-run']).toMatchObject({ status: 'finished', exitCode: 0 });
    expect(runs['crash-run']).toMatchObject({ status: 'crashed', exitCode: 3 });
    expect(runs['oom-run'].flags).toEqual(expect.arrayContaining(['oom', 'traceback']));
    expect(runs['inf-run'].flags).toEqual(['diverged']);
    expect(runs['stop-run'].status).toBe('stopped');
    expect(runs[HOSTILE]).toMatchObject({ status: 'crashed', exitCode: 4, autoRestart: { state: 'done' } });
    expect(status.summary!.gpus.map((g) => g.index)).toEqual([0, 1]);
    expect(status.summaryAgeSeconds).toBeLessThanOrEqual(3);
    expect(status.unreadCount).toBeGreaterThan(10);

    markSeen('gpu-1', status.unread.at(-1)!, seenFile);
    const later = await watchdogStatusFor(t1, 'gpu-1', { seenFile });
    expect(later.unread.every((e) => !status.unread.some((s) => s.id === e.id))).toBe(true);
  }, 30_000);

  it('prints the timeline: trainyard events --json --since, and watchdog status', async () => {
    const out: string[] = [];
    const sink = { write: (s: string) => out.push(s) } as unknown as NodeJS.WritableStream;
    const code = await runEventsCli(
      config,
      parseCliArgs(['events', '--json', '--host', 'gpu-1', '--since', '1h']),
      sink,
    );
    expect(code).toBe(0);
    const { events, errors } = JSON.parse(out.join('')) as {
      events: { alias: string; kind: string; time: string }[];
      errors: unknown[];
    };
    expect(errors).toEqual([]);
    expect(events.length).toBeGreaterThan(10);
    expect(events.every((e) => e.alias === 'gpu-1')).toBe(true);
    expect(events.map((e) => e.time)).toEqual([...events.map((e) => e.time)].sort());

    out.length = 0;
    await runEventsCli(config, parseCliArgs(['events', '--host', 'gpu-1', '--since', '2099-01-01T00:00:00Z']), sink);
    expect(out.join('')).toMatch(/^no events since 2099/);

    out.length = 0;
    expect(await runWatchdogCli(config, parseCliArgs(['watchdog', 'status', 'gpu-1']), sink)).toBe(0);
    expect(out.join('')).toMatch(/^gpu-1: watchdog \S+ running \(pid \d+\)/);
  }, 30_000);
});
