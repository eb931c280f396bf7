/**
 * The watchdog's pushes and disk checks on a real test host (sshd in a network namespace, tmux,
 * the fake nvidia-smi): runs that predate it, webhook alerts in ntfy text and Slack JSON to a
 * server on this machine (secrets kept out of the process list), a webhook that is down, a nearly
 * full disk, and uninstalling.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopCommand } from '../../src/backends/tmux/tmuxCommands.js';
import { openHostTransport } from '../../src/cli/hostTransport.js';
import { shScript } from '../../src/commands/value.js';
import type { Config } from '../../src/config/types.js';
import type { Transport } from '../../src/transport/types.js';
import { installWatchdog, readWatchdogState, uninstallWatchdog } from '../../src/watchdog/operations.js';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';
import { testConfig } from '../integration/fleetHelpers.js';
import { waitFor } from '../support/waitFor.js';
import {
  cmdlines,
  count,
  FAST,
  has,
  launchTestRun,
  remoteHome,
  sleep,
  waitForEvents,
  watchdogProcesses,
} from './helpers.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`watchdog integration tests cannot run in CI: ${can.reason}`);

/** The watchdog pushes with curl or wget; the test hosts share this machine's /usr/bin. */
const canPush = ['curl', 'wget'].some((tool) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

describe.skipIf(!can.ok)('webhook alerts and a nearly full disk (a real host)', () => {
  let hosts: TestHosts;
  let config: Config;
  let server: Server;
  let requests: { url: string; type: string; body: string }[] = [];
  let holdMs = 0;
  let t: Transport;
  let close: () => void;
  let home: string;
  let base = '';

  beforeAll(async () => {
    hosts = await startTestHosts({ count: 1, gpu: { mode: 'load', count: 2, util: [0, 90] } });
    config = testConfig(hosts);
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        requests.push({ url: req.url ?? '', type: req.headers['content-type'] ?? '', body });
        setTimeout(() => res.end('ok'), holdMs);
      });
    });
    const bridge = hosts.subnet!.replace(/\.0\/24$/, '.1'); // this machine, as the host sees it
    await new Promise<void>((resolve) => server.listen(0, bridge, resolve));
    base = `http://${bridge}:${(server.address() as { port: number }).port}`;
    ({ transport: t, close: close } = await openHostTransport(config, 'gpu-1', 20_000));
    home = await remoteHome(t);
  }, 60_000);

  afterAll(async () => {
    close?.();
    await new Promise((r) => server?.close(r));
    await hosts?.stop();
  });

  it('reports runs that predate its first start in the summary, without events for how they ended', async () => {
    await launchTestRun(t, 'gpu-1', home, {
      session: 'before-run',
      command: 'exit 7',
      autoRestart: { enabled: true, max: 3, backoffSeconds: 0 },
    });
    await launchTestRun(t, 'gpu-1', home, { session: 'before-live', command: 'sleep 300' });
    await sleep(1500);
    await installWatchdog(t, 'gpu-1', FAST);
    const events = await waitForEvents(
      t,
      'gpu-1',
      (e) => has(e, 'before-live', 'running'),
      15_000,
      'before-live running',
    );
    await sleep(2000);
    const summary = (await readWatchdogState(t, 'gpu-1')).summary!;
    expect(summary.runs.find((r) => r.session === 'before-run')).toMatchObject({
      status: 'crashed',
      exitCode: 7,
      autoRestart: { state: 'off' },
    });
    expect(events.filter((e) => e.session === 'before-run')).toEqual([]);
    expect((await t.exec(stopCommand('gpu-1', 'before-live', 1), { timeoutMs: 20_000 })).code).toBe(0);
    await waitForEvents(t, 'gpu-1', (e) => has(e, 'before-live', 'stopped'), 15_000, 'before-live stopped');
  }, 40_000);

  it.skipIf(!canPush)(
    'pushes a crash as plain text (ntfy), keeps the URL out of every process list, and records pushed: true',
    async () => {
      holdMs = 2500;
      await installWatchdog(t, 'gpu-1', { ...FAST, webhookUrl: `${base}/topic-SECRET-7f3a` });
      expect((await t.exec(shScript('stat -c %a "$HOME"/.trainyard/watchdog/gpu-node-1/config'))).stdout.trim()).toBe(
        '600',
      );
      // the project's secret, as the launcher writes it; the run prints it in its exception line
      await t.exec(shScript('mkdir -p .trainyard/secrets && cat > .trainyard/secrets/proj.env'), {
        stdin: "export TOKEN='tok-SECRET-9a8b'\nexport SHORT='ab'\n",
      });
      // it crashes once the watchdog has seen it running (a run of a fixed second could end unseen on a slow machine)
      const crash = `while [ ! -e "$HOME/push-go" ]; do sleep 0.2; done; printf 'Traceback (most recent call last):\\n  File "t.py"\\nRuntimeError: bad token tok-SECRET-9a8b (ab)\\n'; exit 9`;
      await launchTestRun(t, 'gpu-1', home, { session: 'push-run', command: crash, gpus: '1' });
      await waitForEvents(t, 'gpu-1', (e) => has(e, 'push-run', 'running'), 20_000, 'push-run running');
      await t.exec(shScript('touch "$HOME/push-go"'));
      await waitFor(() => requests.length > 0, 20_000, 'the webhook request');
      expect(requests.length).toBeGreaterThan(0);
      // the request is held open: curl is running right now
      const lines = cmdlines(hosts.host('gpu-1'));
      expect(lines.some((l) => l.startsWith('curl'))).toBe(true);
      expect(lines.filter((l) => l.includes('SECRET-7f3a'))).toEqual([]);
      holdMs = 0;
      const events = await waitForEvents(t, 'gpu-1', (e) => has(e, 'push-run', 'crashed'), 20_000, 'push-run crashed');
      expect(events.find((e) => e.session === 'push-run' && e.kind === 'crashed')?.pushed).toBe(true);
      expect(events.find((e) => e.session === 'push-run' && e.kind === 'running')?.pushed).toBe(false); // not an alert
      expect(requests[0]).toMatchObject({ url: '/topic-SECRET-7f3a', type: 'text/plain; charset=utf-8' });
      const bodies = requests.map((r) => r.body).join('\n');
      expect(bodies).toContain('[gpu-node-1] push-run: crashed: exit code 9: RuntimeError: bad token *** (ab)');
      expect(bodies).not.toContain('tok-SECRET');
      const ours = events.filter((e) => e.session === 'push-run');
      expect(ours.find((e) => e.kind === 'crashed')?.detail).toBe('exit code 9: RuntimeError: bad token *** (ab)');
      expect(JSON.stringify(ours)).not.toContain('tok-SECRET');
      // the summary is written just after the interval's events: it may be one write behind them
      const summary = await waitFor(async () => (await readWatchdogState(t, 'gpu-1')).summary, {
        until: (s) => s?.runs.find((r) => r.session === 'push-run')?.lastError != null,
        timeoutMs: 10_000,
        what: 'the summary with push-run crashed',
      });
      expect(summary?.runs.find((r) => r.session === 'push-run')?.lastError).toBe('RuntimeError: bad token *** (ab)');
      await t.exec(shScript('rm -f .trainyard/secrets/proj.env'));
    },
    40_000,
  );

  it.skipIf(!canPush)(
    'pushes Slack-style JSON, and records pushed: false when the webhook is down',
    async () => {
      requests = [];
      await installWatchdog(t, 'gpu-1', { webhookUrl: `${base}/slack`, webhookFormat: 'slack' });
      await launchTestRun(t, 'gpu-1', home, { session: 'slack-run', command: 'sleep 1; exit 0', gpus: '1' });
      await waitForEvents(t, 'gpu-1', (e) => has(e, 'slack-run', 'finished'), 20_000, 'slack-run finished');
      expect(requests.at(-1)).toMatchObject({ url: '/slack', type: 'application/json' });
      expect(JSON.parse(requests.at(-1)!.body)).toEqual({ text: '[gpu-node-1] slack-run: finished: exit code 0' });

      await installWatchdog(t, 'gpu-1', { webhookUrl: 'http://127.0.0.1:9/nothing-listens', webhookFormat: 'text' });
      await launchTestRun(t, 'gpu-1', home, { session: 'down-run', command: 'sleep 1; exit 5', gpus: '1' });
      const events = await waitForEvents(t, 'gpu-1', (e) => has(e, 'down-run', 'crashed'), 20_000, 'down-run crashed');
      expect(events.find((e) => e.session === 'down-run' && e.kind === 'crashed')?.pushed).toBe(false);
      expect((await readWatchdogState(t, 'gpu-1')).running).toBe(true);
    },
    60_000,
  );

  it('reports a nearly full disk once, and when it is fine again', async () => {
    await installWatchdog(t, 'gpu-1', { webhookUrl: null, diskFullPercent: 1 });
    await waitForEvents(t, 'gpu-1', (e) => has(e, null, 'disk-full'), 15_000, 'disk-full');
    await sleep(2500);
    const events = await waitForEvents(t, 'gpu-1', () => true);
    expect(count(events, null, 'disk-full')).toBe(1);
    expect(events.find((e) => e.kind === 'disk-full')?.detail).toMatch(/^\/\S*: \d+% used, [\d.]+ GiB free$/);
    expect((await readWatchdogState(t, 'gpu-1')).summary?.disks[0].full).toBe(true);
    await installWatchdog(t, 'gpu-1', { diskFullPercent: 100, diskMinFreeMiB: 0 });
    await waitForEvents(t, 'gpu-1', (e) => has(e, null, 'disk-ok'), 15_000, 'disk-ok');
  }, 40_000);

  it('uninstall stops the watchdog and removes its files, and leaves the runs', async () => {
    const r = await uninstallWatchdog(t, 'gpu-1');
    expect(r.removed).toBe(true);
    expect(watchdogProcesses(hosts.host('gpu-1'))).toEqual([]);
    expect((await t.exec(shScript('tmux has-session -t =trainyard-watchdog'))).code).not.toBe(0);
    expect((await t.exec(shScript('test -e "$HOME"/.trainyard/watchdog/gpu-node-1'))).code).not.toBe(0);
    expect((await t.exec(shScript('test -f "$HOME"/.trainyard/runs/push-run.json'))).code).toBe(0);
    expect(await readWatchdogState(t, 'gpu-1')).toMatchObject({
      installed: false,
      running: false,
      summary: null,
      events: [],
    });
    expect((await uninstallWatchdog(t, 'gpu-1')).removed).toBe(false);
  }, 30_000);
});
