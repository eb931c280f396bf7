/**
 * A wedged server must not wedge trainyard, nor pile processes up on the host: exec time limits
 * kill the remote process group, buffered output has a byte cap, and a GPU stream that went
 * silent is reported without a second nvidia-smi being started.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionsProbeCommand } from '../../src/commands/probes.js';
import { argvCommand, shScript } from '../../src/commands/value.js';
import { Fleet } from '../../src/hosts/fleet.js';
import type { SshConnection } from '../../src/ssh/connection.js';
import { connect, labConfig } from '../actions/helpers.js';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';
import { waitFor } from '../support/waitFor.js';
import { FAST_BACKOFF, testConfig, waitForHost } from './fleetHelpers.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`integration tests cannot run in CI: ${can.reason}`);

/** Command lines of the live processes whose command line contains every needle (read from /proc: hosts share this machine's pid space). */
function processesWith(...needles: string[]): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (needles.every((n) => cmd.includes(n))) found.push(`${pid} ${cmd}`);
    } catch {
      // gone
    }
  }
  return found;
}

describe.skipIf(!can.ok)('nothing hangs, nothing piles up (real sshd, fake nvidia-smi that hangs)', () => {
  let lab: TestHosts;
  let conn: SshConnection;
  /** A fake nvidia-smi of this lab: its path, or once it runs awk its fixtures path, is on its command line. */
  const fakeGpu = () => processesWith(lab.dir, 'nvidia-smi');

  beforeAll(async () => {
    lab = await startTestHosts({ count: 1 });
    conn = await connect(labConfig(lab, {}), lab.hosts[0].alias);
  }, 60_000);

  afterAll(async () => {
    conn?.close();
    await lab?.stop();
  });

  it('a probe past its time limit is killed on the host with everything it started; repeated probes leave nothing behind', async () => {
    lab.hosts[0].setGpu({ mode: 'hang' });
    try {
      // the wedged nvidia-smi is there while the probe waits for it
      const waiting = conn.exec(sessionsProbeCommand(), { timeoutMs: 4000 });
      await waitFor(fakeGpu, { until: (p) => p.length > 0, timeoutMs: 3500, what: 'the wedged nvidia-smi' });
      expect((await waiting).signal).toBe('timeout');
      for (let i = 0; i < 4; i++) {
        const r = await conn.exec(sessionsProbeCommand(), { timeoutMs: 700 });
        expect(r.code).toBeNull();
        expect(r.signal).toBe('timeout');
        expect(r.stderr).toContain('timed out after 700 ms');
      }
      await waitFor(fakeGpu, {
        until: (p) => p.length === 0,
        timeoutMs: 3000,
        what: 'no nvidia-smi left on the host',
        show: (p) => p.join('\n'),
      });
    } finally {
      lab.hosts[0].setGpu({ mode: 'idle' });
    }
  });

  it('buffered output stops at the byte cap: marked truncated, and the command is killed', async () => {
    const marker = `ty-cap-${process.pid}`;
    const r = await conn.exec(shScript(`exec yes ${marker}`), { maxOutputBytes: 1024 * 1024, timeoutMs: 20_000 });
    expect(r.truncated).toBe(true);
    expect(r.signal).toBe('output-cap');
    expect(Buffer.byteLength(r.stdout)).toBe(1024 * 1024);
    expect(r.stderr).toContain('output cut at 1048576 bytes');
    await waitFor(() => processesWith(`yes ${marker}`), {
      until: (p) => p.length === 0,
      timeoutMs: 3000,
      what: 'yes killed',
    });
  });

  it('an exec given no time limit still has one', async () => {
    const { DEFAULT_EXEC_TIMEOUT_MS } = await import('../../src/transport/limits.js');
    expect(DEFAULT_EXEC_TIMEOUT_MS).toBeGreaterThan(0);
    const r = await conn.exec(argvCommand(['echo', 'ok']));
    expect(r).toMatchObject({ stdout: 'ok\n', code: 0 });
  });

  it('a silent GPU stream is reported as not answering, no second nvidia-smi starts, and it recovers', async () => {
    const fleet = new Fleet(testConfig(lab, { refreshSeconds: 0.2, sessionsRefreshSeconds: 600 }), {
      backoff: FAST_BACKOFF,
      gpuStaleMs: 1500,
    });
    fleet.start();
    const alias = lab.hosts[0].alias;
    const streams = () => fakeGpu().filter((p) => p.includes('loop=200'));
    try {
      await waitForHost(fleet.store, alias, (h) => h.gpus.length === 1, 20_000, 'first GPU sample');
      expect(streams()).toHaveLength(1);
      const pid = streams()[0].split(' ')[0];
      lab.hosts[0].setGpu({ mode: 'hang' });
      const stale = await waitForHost(
        fleet.store,
        alias,
        (h) => /^nvidia-smi not answering for \d+ s$/.test(h.gpuError ?? ''),
        10_000,
        'not answering',
      );
      expect(stale.connection.state).toBe('connected');
      await new Promise((r) => setTimeout(r, 2000));
      expect(streams().map((p) => p.split(' ')[0])).toEqual([pid]);
      lab.hosts[0].setGpu({ mode: 'load' });
      const back = await waitForHost(
        fleet.store,
        alias,
        (h) => h.gpuError === null && h.gpus[0]?.utilization !== 0,
        10_000,
        'answering again',
      );
      expect(back.gpus).toHaveLength(1);
      expect(streams().map((p) => p.split(' ')[0])).toEqual([pid]);
    } finally {
      await fleet.shutdown();
      lab.hosts[0].setGpu({ mode: 'idle' });
    }
  });
});
