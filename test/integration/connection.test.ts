import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shScript } from '../../src/commands/value.js';
import { Fleet } from '../../src/hosts/fleet.js';
import { SshConnection } from '../../src/ssh/connection.js';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';
import { FAST_BACKOFF, testConfig, waitForHost } from './fleetHelpers.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`integration tests cannot run in CI: ${can.reason}`);

/** The real H100 values for a field, from the captured fixture (idle or load, no units). */
function real(field: string, state: 'idle' | 'load'): number {
  const tsv = readFileSync(
    path.join(import.meta.dirname, '..', 'fixtures', 'nvidia-smi', 'h100', 'query-gpu.tsv'),
    'utf8',
  );
  const row = tsv
    .split('\n')
    .map((l) => l.split('\t'))
    .find((r) => r[0] === field)!;
  return Number(state === 'idle' ? row[4] : row[6]);
}

describe.skipIf(!can.ok)('persistent connections to real sshd hosts', () => {
  let hosts: TestHosts;
  let fleet: Fleet;

  beforeAll(async () => {
    hosts = await startTestHosts({ count: 2 });
    fleet = new Fleet(testConfig(hosts), { backoff: FAST_BACKOFF });
    fleet.start();
  });

  afterAll(async () => {
    await fleet?.shutdown();
    await hosts?.stop();
  });

  it('streams the GPU figures nvidia-smi prints, and follows a switch from idle to load', async () => {
    const idle = await waitForHost(fleet.store, 'gpu-1', (h) => h.gpus.length === 1, 20_000, 'first GPU sample');
    expect(idle.connection.state).toBe('connected');
    expect(idle.gpus[0]).toMatchObject({
      index: 0,
      utilization: real('utilization.gpu', 'idle'),
      memoryTotalMiB: real('memory.total', 'idle'),
      temperatureC: real('temperature.gpu', 'idle'),
    });
    hosts.host('gpu-1').setGpu({ mode: 'load' });
    const load = await waitForHost(
      fleet.store,
      'gpu-1',
      (h) => h.gpus[0]?.utilization === real('utilization.gpu', 'load'),
      10_000,
      'load figures',
    );
    expect(load.gpus[0].memoryUsedMiB).toBe(real('memory.used', 'load'));
    expect(load.gpuHistory[0].at(-1)).toBe(real('utilization.gpu', 'load'));
    const withApps = await waitForHost(
      fleet.store,
      'gpu-1',
      (h) => h.processes.length === 1,
      10_000,
      'compute process',
    );
    expect(withApps.processes[0].gpuUuid).toBe(withApps.gpus[0].uuid);
  });

  it('shows 8 GPUs of an 8-GPU host, and a clear message when there are none', async () => {
    hosts.host('gpu-2').setGpu({ mode: 'idle', count: 8 });
    const eight = await waitForHost(fleet.store, 'gpu-2', (h) => h.gpus.length === 8, 10_000, '8 GPUs');
    expect(eight.gpus.map((g) => g.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    hosts.host('gpu-2').setGpu({ mode: 'nodevices' });
    const none = await waitForHost(fleet.store, 'gpu-2', (h) => h.gpuError !== null, 10_000, 'gpu error');
    expect(none.gpuError).toBe('No devices were found');
    expect(none.connection.state).toBe('connected');
  });

  it('lists the host’s tmux sessions with their exit status', async () => {
    const h1 = hosts.host('gpu-1');
    await h1.run(`tmux new-session -d -s train01 'sleep 600' \\; set-option -t train01 remain-on-exit on`);
    await h1.run(`tmux new-session -d -s train02 'sleep 0.2; exit 7' \\; set-option -t train02 remain-on-exit on`);
    const h = await waitForHost(
      fleet.store,
      'gpu-1',
      (x) => x.sessions.some((s) => s.name === 'train02' && !s.running),
      10_000,
      'sessions',
    );
    expect(h.sessions.find((s) => s.name === 'train01')).toMatchObject({ running: true });
    expect(h.sessions.find((s) => s.name === 'train02')).toMatchObject({ running: false, exitStatus: 7 });
    // host 2 has its own tmux server: it must not see host 1's sessions
    expect(fleet.store.getState().hosts['gpu-2'].sessions).toEqual([]);
    expect(fleet.store.getState().hosts['gpu-2'].sessionsError).toBeNull();
  });

  it('a host cut off shows as reconnecting while the other keeps updating, then recovers', async () => {
    hosts.host('gpu-2').setGpu({ mode: 'idle', count: 1 });
    await waitForHost(fleet.store, 'gpu-2', (h) => h.gpus.length === 1, 40_000, 'gpu-2 streaming again');
    const cut = hosts.host('gpu-1');
    await cut.linkDown();
    try {
      const down = await waitForHost(
        fleet.store,
        'gpu-1',
        (h) => h.connection.state === 'reconnecting',
        15_000,
        'reconnecting',
      );
      expect(down.connection.error).toBeTruthy();
      const before = fleet.store.getState().hosts['gpu-2'].gpuUpdatedAt ?? 0;
      await waitForHost(
        fleet.store,
        'gpu-2',
        (h) => (h.gpuUpdatedAt ?? 0) > before || h.sessionsUpdatedAt! > before,
        10_000,
        'other host still updating',
      );
      expect(fleet.store.getState().hosts['gpu-2'].connection.state).toBe('connected');
      // a few back-off rounds while the link is down: attempts count up
      await waitForHost(fleet.store, 'gpu-1', (h) => h.connection.attempt >= 2, 30_000, 'second attempt');
    } finally {
      await cut.linkUp();
    }
    const back = await waitForHost(
      fleet.store,
      'gpu-1',
      (h) => h.connection.state === 'connected',
      20_000,
      'connected again',
    );
    expect(back.connection.attempt).toBe(0);
    const t = Date.now();
    await waitForHost(fleet.store, 'gpu-1', (h) => (h.gpuUpdatedAt ?? 0) > t, 10_000, 'GPU stream restarted');
  });

  it('recovers when sshd is stopped and started again', async () => {
    const h2 = hosts.host('gpu-2');
    await h2.stopSshd();
    await waitForHost(fleet.store, 'gpu-2', (h) => h.connection.state === 'reconnecting', 15_000, 'reconnecting');
    await h2.startSshd();
    await waitForHost(fleet.store, 'gpu-2', (h) => h.connection.state === 'connected', 20_000, 'connected again');
  });

  it('stays under MaxSessions: 30 concurrent commands on one connection all succeed', async () => {
    const connection = fleet.monitor('gpu-1')!.connection!;
    await connection.whenReady(10_000);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => connection.exec(shScript(`echo ${i}; sleep 0.2`))),
    );
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 30 }, (_, i) => String(i)));
    expect(results.every((r) => r.code === 0)).toBe(true);
    expect(connection.channelsInUse).toBeLessThanOrEqual(2); // only the GPU stream (+ maybe a probe) remain
  });

  it('a cancelled stream kills its remote command', async () => {
    const connection = fleet.monitor('gpu-1')!.connection!;
    const marker = `ty-stream-${Date.now()}`;
    const handle = connection.stream(shScript(`sleep 300; echo ${marker}`), { onLine: () => {} });
    // [s]leep: the pattern must not match pgrep's own command line
    const count = async () =>
      Number((await hosts.host('gpu-1').run(`pgrep -fc '[s]leep 300; echo ${marker}' || true`)).stdout.trim() || 0);
    await new Promise((r) => setTimeout(r, 500));
    expect(await count()).toBeGreaterThan(0);
    handle.cancel();
    const result = await handle.done;
    expect(result.signal).toBe('cancelled');
    let left = await count();
    for (let i = 0; i < 20 && left > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = await count();
    }
    expect(left).toBe(0);
  });
});

describe.skipIf(!can.ok)('host keys', () => {
  let hosts: TestHosts;
  beforeAll(async () => {
    hosts = await startTestHosts({ count: 1 });
  });
  afterAll(async () => hosts?.stop());

  async function connectOnce(trustNewHostKeys: boolean) {
    const c = new SshConnection({
      alias: 'gpu-1',
      sshConfig: hosts.sshConfigPath,
      keepalive: { intervalSeconds: 1, countMax: 2 },
      trustNewHostKeys,
      backoff: FAST_BACKOFF,
    });
    const settled = new Promise<string>((resolve) =>
      c.on('state', (i) => i.state !== 'connecting' && resolve(i.state)),
    );
    c.start();
    const state = await settled;
    const info = c.info;
    c.close();
    return { state, info };
  }

  it('refuses an unknown host key and says how to trust it', async () => {
    hosts.setKnownHost('gpu-1', 'absent');
    const { state, info } = await connectOnce(false);
    expect(state).toBe('hostkey-unknown');
    expect(info.hint).toMatch(/trustNewHostKeys/);
    expect(readFileSync(hosts.knownHostsPath, 'utf8')).not.toContain(hosts.host('gpu-1').hostPublicKey.split(' ')[1]);
  });

  it('refuses a CHANGED host key loudly, even in trust-on-first-use mode', async () => {
    hosts.setKnownHost('gpu-1', 'wrong');
    const { state, info } = await connectOnce(true);
    expect(state).toBe('hostkey-changed');
    expect(info.error).toMatch(/HOST KEY CHANGED/);
  });

  it('trust on first use appends the key, then connects with it', async () => {
    hosts.setKnownHost('gpu-1', 'absent');
    const { state } = await connectOnce(true);
    expect(state).toBe('connected');
    const known = readFileSync(hosts.knownHostsPath, 'utf8');
    expect(known).toContain(hosts.host('gpu-1').hostPublicKey.split(' ')[1]);
    // the appended line is one OpenSSH itself accepts
    const again = await connectOnce(false);
    expect(again.state).toBe('connected');
  });

  it('accepts a hashed known_hosts entry', async () => {
    hosts.setKnownHost('gpu-1', 'valid');
    const { execFileSync } = await import('node:child_process');
    execFileSync('ssh-keygen', ['-H', '-f', hosts.knownHostsPath], { stdio: 'ignore' });
    expect(readFileSync(hosts.knownHostsPath, 'utf8')).toMatch(/^\|1\|/m);
    const { state } = await connectOnce(false);
    expect(state).toBe('connected');
  });
});
