/**
 * The server-side queue on a real host (sshd, tmux, the fake nvidia-smi with 2 GPUs): entries
 * are written the way the laptop writes them (writeQueueEntryCommand over SSH), then the
 * connection is closed and only the host's watchdog (interval 1 s) starts them. The runs record
 * CUDA_VISIBLE_DEVICES and their start and end times in a file the test reads from the host's
 * home directory on disk.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHostTransport } from '../../src/cli/hostTransport.js';
import { shScript } from '../../src/commands/value.js';
import type { Config } from '../../src/config/types.js';
import { machineKey, type RunManifest } from '../../src/runs/layout.js';
import { shQuote } from '../../src/shell/quote.js';
import { writeQueueEntryCommand } from '../../src/sweeps/queueEntry.js';
import { writeSweepCommand } from '../../src/sweeps/sweepFiles.js';
import type { Transport } from '../../src/transport/types.js';
import { installWatchdog } from '../../src/watchdog/operations.js';
import { canRunTestHosts, startTestHosts, type TestHost, type TestHosts } from '../harness/testHosts.js';
import { testConfig } from '../integration/fleetHelpers.js';
import { waitFor } from '../support/waitFor.js';
import { remoteHome, sleep } from './helpers.js';
import { RECORDER, type RecorderRunOptions, readEvents, readRecords, recorderEntry, sweepRecord } from './queueLab.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`queue integration tests cannot run in CI: ${can.reason}`);

describe.skipIf(!can.ok)('the server-side queue (real sshd, tmux, fake nvidia-smi)', () => {
  let hosts: TestHosts;
  let host: TestHost;
  let config: Config;
  let t: Transport;
  let close: () => void;
  let home: string;
  let queueDir: string;
  let at = Date.now();

  const local = (p: string) => path.join(host.homeDir, p);
  const records = () => readRecords(local('proj/record.txt'));
  const events = () => readEvents(local(`.trainyard/watchdog/${machineKey(host.hostname)}/events.jsonl`));
  const queued = () => readdirSync(queueDir).sort();

  async function connect() {
    ({ transport: t, close } = await openHostTransport(config, host.alias, 20_000));
  }

  /** Queues a run the way the laptop does; its command runs the recorder with `tag`. */
  async function enqueue(id: string, opts: RecorderRunOptions = {}) {
    const entry = recorderEntry(host.alias, home, id, opts, at++);
    const cmd = writeQueueEntryCommand(host.alias, entry);
    const r = await t.exec(cmd, { stdin: cmd.stdin, timeoutMs: 20_000 });
    if (r.code !== 0) throw new Error(`queueing ${id} failed (${r.code}): ${r.stderr}`);
    return entry;
  }

  const waitUntil = <T>(what: string, get: () => T, until: (v: T) => boolean, timeoutMs = 30_000) =>
    waitFor(async () => get(), { until, timeoutMs, intervalMs: 250, what, show: (v) => JSON.stringify(v) });

  beforeAll(async () => {
    hosts = await startTestHosts({ count: 1, gpu: { mode: 'idle', count: 2 } });
    host = hosts.host('gpu-1');
    config = testConfig(hosts);
    await connect();
    home = await remoteHome(t);
    await t.exec(shScript('mkdir -p proj && cat > proj/rec.sh'), { stdin: `${RECORDER}\n` });
    queueDir = local(`.trainyard/queue/${machineKey(host.hostname)}`);
    const installed = await installWatchdog(t, host.alias, {
      intervalSeconds: 1,
      stallSeconds: 600,
      silentSeconds: 600,
      commandTimeoutSeconds: 2,
    });
    expect(installed.pid).toBeGreaterThan(0);
  }, 60_000);

  afterAll(async () => {
    close?.();
    await hosts?.stop();
  });

  it('starts every entry as GPUs free, with the laptop gone; never two runs on one GPU', async () => {
    for (let i = 1; i <= 5; i++) await enqueue(`fifo-${i}`);
    close(); // from here on only the watchdog on the host acts
    const done = await waitUntil('5 recorded runs', records, (r) => r.length === 5, 40_000);
    expect(done.map((r) => r.gpus).every((g) => g === '0' || g === '1')).toBe(true);
    for (const gpu of ['0', '1']) {
      const on = done.filter((r) => r.gpus === gpu).sort((a, b) => a.start - b.start);
      for (let i = 1; i < on.length; i++)
        expect(on[i].start, `GPU ${gpu}: ${JSON.stringify(on)}`).toBeGreaterThanOrEqual(on[i - 1].end);
    }
    // FIFO: the first two start before the last three
    const startOf = (tag: string) => done.find((r) => r.tag === tag)?.start ?? Number.NaN;
    expect(Math.max(startOf('fifo-1'), startOf('fifo-2'))).toBeLessThan(
      Math.min(startOf('fifo-3'), startOf('fifo-4'), startOf('fifo-5')),
    );
    expect(queued()).toEqual([]);
    const starts = events().filter((e) => e.kind === 'queue-start');
    expect(starts.map((e) => e.session).sort()).toEqual(['fifo-1', 'fifo-2', 'fifo-3', 'fifo-4', 'fifo-5']);
    const m = JSON.parse(readFileSync(local('.trainyard/runs/fifo-3.json'), 'utf8')) as RunManifest & { by: string };
    expect(m).toMatchObject({ by: 'queue', session: 'fifo-3' });
    expect(m.gpus === '0' || m.gpus === '1').toBe(true);
    expect(m.startedAt).not.toBe('');
    expect(readFileSync(local('.trainyard/runs/fifo-3.machine'), 'utf8').trim()).toBe(machineKey(host.hostname));
    await connect();
  }, 60_000);

  it("keeps a GPU with a colleague's compute process out", async () => {
    host.setGpu({ mode: 'idle', count: 2, apps: [1] });
    await enqueue('foreign-1', { secs: 1 });
    await enqueue('foreign-2', { secs: 1 });
    const done = await waitUntil(
      'both ran',
      () => records().filter((r) => r.tag.startsWith('foreign-')),
      (r) => r.length === 2,
    );
    expect(done.map((r) => r.gpus)).toEqual(['0', '0']);
    expect(done[1].start).toBeGreaterThanOrEqual(done[0].end);
  }, 40_000);

  it('with gpu_free_below_mb, a GPU whose memory is in use is not free', async () => {
    const fast = { intervalSeconds: 1, stallSeconds: 600, silentSeconds: 600, commandTimeoutSeconds: 2 };
    await installWatchdog(t, host.alias, { ...fast, gpuFreeBelowMiB: 1000 });
    host.setGpu({ mode: 'idle', count: 2, apps: [], set: { 'memory.used': [30000, 10] } });
    await enqueue('memory-1', { secs: 1 });
    await enqueue('memory-2', { secs: 1 });
    const done = await waitUntil(
      'both ran',
      () => records().filter((r) => r.tag.startsWith('memory-')),
      (r) => r.length === 2,
    );
    expect(done.map((r) => r.gpus)).toEqual(['1', '1']);
    await installWatchdog(t, host.alias, { ...fast, gpuFreeBelowMiB: 0 });
  }, 40_000);

  it('drains a stopped sweep: its entries are dropped, the others still start', async () => {
    host.setGpu({ mode: 'idle', count: 2, apps: [0, 1] }); // every GPU busy: everything waits
    await enqueue('drain-1', { sweep: 'drained', secs: 1 });
    await enqueue('keep-1', { sweep: 'kept', secs: 1 });
    await enqueue('drain-2', { sweep: 'drained', secs: 1 });
    await sleep(2500);
    expect(queued()).toHaveLength(3);
    await t.exec(shScript('mkdir -p .trainyard/sweeps/drained && touch .trainyard/sweeps/drained/stopped'));
    // the entry at the head waits for a GPU, and so does everything behind it
    host.setGpu({ mode: 'idle', count: 2, apps: [] });
    await waitUntil('keep-1 ran', records, (r) => r.some((x) => x.tag === 'keep-1'));
    await waitUntil(
      'drain entries dropped',
      () =>
        events()
          .filter((e) => e.kind === 'queue-dropped')
          .map((e) => e.session),
      (s) => s.length === 2,
    );
    expect(queued()).toEqual([]);
    expect(records().some((r) => r.tag.startsWith('drain-'))).toBe(false);
  }, 40_000);

  /** Records a sweep on the host as the laptop does, with these shares of its maxParallel. */
  async function recordSweep(name: string, maxParallelOn: Record<string, number>) {
    const cmd = writeSweepCommand(host.alias, sweepRecord(name, maxParallelOn));
    const r = await t.exec(cmd, { stdin: cmd.stdin, timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(0);
  }

  it("keeps a capped sweep to this machine's share of maxParallel, without holding up other sweeps", async () => {
    host.setGpu({ mode: 'idle', count: 2, apps: [] });
    await recordSweep('capped', { [machineKey(host.hostname)]: 1 });
    await recordSweep('elsewhere', { 'another-machine': 2 });
    await enqueue('elsewhere-1', { sweep: 'elsewhere', secs: 1 });
    for (let i = 1; i <= 3; i++) await enqueue(`cap-${i}`, { sweep: 'capped', secs: 2 });
    await enqueue('uncapped-1', { sweep: 'uncapped', secs: 2 });
    const done = await waitUntil(
      'the capped sweep and the other ran',
      () => records().filter((r) => r.tag.startsWith('cap-') || r.tag === 'uncapped-1'),
      (r) => r.length === 4,
      40_000,
    );
    const capped = done.filter((r) => r.tag.startsWith('cap-')).sort((a, b) => a.start - b.start);
    // with two GPUs free, one run of the capped sweep at a time, in order
    expect(capped.map((r) => r.tag)).toEqual(['cap-1', 'cap-2', 'cap-3']);
    for (let i = 1; i < capped.length; i++)
      expect(capped[i].start, JSON.stringify(capped)).toBeGreaterThanOrEqual(capped[i - 1].end);
    // the other sweep's entry, queued last, ran beside the first capped run instead of after all three
    const other = done.find((r) => r.tag === 'uncapped-1')!;
    expect(other.start).toBeLessThan(capped[1].start);
    // a machine the shares leave out starts none of that sweep's runs
    expect(records().some((r) => r.tag === 'elsewhere-1')).toBe(false);
    expect(queued().some((q) => q.endsWith('-elsewhere-1'))).toBe(true);
    await t.exec(shScript('touch .trainyard/sweeps/elsewhere/stopped'));
    await waitUntil('elsewhere-1 dropped', queued, (q) => q.length === 0);
  }, 60_000);

  it('stops starting a sweep after 3 failures in a row, with one sweep-failing alert', async () => {
    host.setGpu({ mode: 'idle', count: 2, apps: [1] }); // one GPU: the runs go one after another
    for (let i = 1; i <= 5; i++) await enqueue(`bad-${i}`, { sweep: 'bad', secs: 1, code: 1 });
    await waitUntil(
      'sweep-failing',
      () => events().filter((e) => e.kind === 'sweep-failing'),
      (e) => e.length === 1,
    );
    await sleep(3000); // more intervals: nothing else of the sweep starts
    expect(
      records()
        .filter((r) => r.tag.startsWith('bad-'))
        .map((r) => r.tag),
    ).toEqual(['bad-1', 'bad-2', 'bad-3']);
    expect(queued()).toHaveLength(2);
    const alert = events().find((e) => e.kind === 'sweep-failing');
    expect(alert).toMatchObject({ level: 'error', session: 'bad-3' });
    expect(alert?.detail).toContain('sweep bad: 3 runs in a row failed');
    // a run of another sweep still starts
    await enqueue('other-1', { sweep: 'other', secs: 1 });
    await waitUntil('other-1 ran', records, (r) => r.some((x) => x.tag === 'other-1'));
    expect(queued()).toHaveLength(2);
    await t.exec(shScript(`rm -rf ${shQuote(queueDir.slice(host.homeDir.length + 1))}/*`));
  }, 60_000);

  it('an automatic restart keeps its GPU, and the queue does not give it away during the back-off', async () => {
    host.setGpu({ mode: 'idle', count: 2, apps: [1] }); // GPU 0 only
    await enqueue('restarts', {
      before: '[ -e crashed-once ] || { touch crashed-once; sleep 1; exit 3; }; ',
      restarts: 1,
    });
    await enqueue('waits', { secs: 1 });
    const done = await waitUntil(
      'the restarted run and the waiting one',
      () => records().filter((r) => r.tag === 'restarts' || r.tag === 'waits'),
      (r) => r.length === 2,
      40_000,
    );
    const [child, waiter] = [done.find((r) => r.tag === 'restarts')!, done.find((r) => r.tag === 'waits')!];
    expect([child.gpus, waiter.gpus]).toEqual(['0', '0']);
    expect(waiter.start).toBeGreaterThanOrEqual(child.end);
    const restarted = events().find((e) => e.kind === 'restarted' && e.session === 'restarts');
    expect(restarted?.detail).toMatch(/^restarted as restarts-r1 /); // named after the run it continues
  }, 50_000);

  it('a hostile run id and values stay data (shell, tmux formats, a trailing ;)', async () => {
    host.setGpu({ mode: 'idle', count: 2, apps: [] });
    const id = `q$(touch PWNED)'"\`touch PWNED2\`#(touch PWNED3);`;
    const tag = `t$(touch PWNED4) 'x' "y" \`touch PWNED5\``;
    await enqueue(id, { tag, secs: 1 });
    const done = await waitUntil('the hostile run ran', records, (r) => r.some((x) => x.tag === tag));
    expect(done.find((x) => x.tag === tag)?.gpus).toMatch(/^[01]$/);
    const sessions = (await t.exec(shScript('tmux ls -F "#{session_name}"'))).stdout.split('\n');
    expect(sessions).toContain(id);
    expect(events().find((e) => e.kind === 'queue-start' && e.session === id)).toBeDefined();
    for (const f of ['PWNED', 'PWNED2', 'PWNED3', 'PWNED4', 'PWNED5'])
      for (const dir of ['', 'proj']) expect(existsSync(local(path.join(dir, f))), `${dir}/${f}`).toBe(false);
  }, 40_000);

  it('an entry wanting more GPUs than the host has is set aside, and does not hold up the queue', async () => {
    host.setGpu({ mode: 'idle', count: 2, apps: [] });
    const big = await enqueue('too-big', { want: 3, secs: 1 });
    await enqueue('fits', { secs: 1 });
    await waitUntil('fits ran', records, (r) => r.some((x) => x.tag === 'fits'));
    expect(queued()).toEqual([`.failed-${big.entry}`]);
    expect(events().find((e) => e.kind === 'queue-failed' && e.session === 'too-big')?.detail).toBe(
      'too-big wants 3 GPUs and this host has 2: it never fits here',
    );
    expect(records().some((r) => r.tag === 'too-big')).toBe(false);
  }, 40_000);

  it('a wedged nvidia-smi does not wedge the watchdog: nothing starts until it answers', async () => {
    host.setGpu({ mode: 'hang', count: 2 });
    const summary = () =>
      JSON.parse(readFileSync(local(`.trainyard/watchdog/${machineKey(host.hostname)}/summary.json`), 'utf8')) as {
        ticks: number;
        gpuError: string | null;
      };
    await enqueue('after-hang', { secs: 1 });
    const before = summary().ticks;
    const wedged = await waitUntil('two more intervals', summary, (s) => s.ticks >= before + 2, 20_000);
    expect(wedged.gpuError).toMatch(/did not answer within 2 s/);
    expect(records().some((r) => r.tag === 'after-hang')).toBe(false);
    host.setGpu({ mode: 'idle', count: 2 });
    await waitUntil('after-hang ran', records, (r) => r.some((x) => x.tag === 'after-hang'), 20_000);
  }, 50_000);
});
