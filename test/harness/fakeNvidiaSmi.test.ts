/**
 * The fake nvidia-smi (test/fakebin/nvidia-smi) the test hosts put on the PATH: run here and over
 * REAL OpenSSH servers, it answers like the real tool. It replays real H100 output
 * (test/fixtures/nvidia-smi/h100); multi-GPU hosts (count=8) replicate that ONE real record with
 * index / uuid / PCI bus id changed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/waitFor.js';
import { canRunTestHosts, sshArgs, startTestHosts, type TestHosts } from './testHosts.js';
import { col, FAKE, FIX, Q, QUERY, run, ssh, tsv } from './testHostsLab.js';

const can = canRunTestHosts();
if (!can.ok) console.warn(`[fakeNvidiaSmi] skipping real-sshd tests: ${can.reason}`);

describe('fake nvidia-smi (local, no ssh)', () => {
  it("answers 20 queries in a row from one shell loop, each with the fixture's GPU", async () => {
    // Its speed is a figure, not a test (a loaded CI machine must not fail it): printed for the log.
    const loop = `for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do "$0" --query-gpu=${Q.join(',')} --format=csv,noheader,nounits || exit 1; done`;
    const t0 = performance.now();
    const r = await run('sh', ['-c', loop, FAKE]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(20);
    for (const l of lines) expect(l).toMatch(/^0, NVIDIA H100/);
    console.log(`[testHosts] fake nvidia-smi: ${((performance.now() - t0) / 20).toFixed(1)} ms per call`);
  });

  it('answers every --query-gpu field of the fixture exactly (csv and nounits)', async () => {
    const fields = [...tsv.keys()];
    const st = fs.mkdtempSync('/tmp/ty-fake-');
    try {
      for (const mode of ['idle', 'load'] as const) {
        fs.writeFileSync(path.join(st, 's'), `mode=${mode}\n`);
        const env = { FAKE_GPU_STATE: path.join(st, 's') };
        const plain = await run(FAKE, [`--query-gpu=${fields.join(',')}`, '--format=csv'], env);
        const nounits = await run(FAKE, [`--query-gpu=${fields.join(',')}`, '--format=csv,nounits'], env);
        expect(plain.code).toBe(0);
        const [h1, v1] = plain.stdout.split('\n');
        const [h2, v2] = nounits.stdout.split('\n');
        expect(h1).toBe(col(fields, 'header'));
        expect(h2).toBe(col(fields, 'header_nounits'));
        // timestamp is the current time (same format as the fixture)
        const ts = fields.indexOf('timestamp');
        const exp1 = fields.map((f) => tsv.get(f)![mode]);
        const exp2 = fields.map((f) => tsv.get(f)![`${mode}_nounits`]);
        const got1 = v1.split(', ');
        const got2 = v2.split(', ');
        expect(got1[ts]).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{3}$/);
        got1[ts] = exp1[ts];
        got2[ts] = exp2[ts];
        expect(got1.join(', ')).toBe(exp1.join(', '));
        expect(got2.join(', ')).toBe(exp2.join(', '));
      }
    } finally {
      fs.rmSync(st, { recursive: true, force: true });
    }
  });

  it('replays -L, bare nvidia-smi and compute apps from the fixtures', async () => {
    const env = { FAKE_GPU_STATE: '/nonexistent/state' }; // missing file = idle, 1 GPU
    expect((await run(FAKE, ['-L'], env)).stdout).toBe(fs.readFileSync(path.join(FIX, 'list.txt'), 'utf8'));
    expect((await run(FAKE, [], env)).stdout).toBe(fs.readFileSync(path.join(FIX, 'idle-smi.txt'), 'utf8'));
    const none = fs.readFileSync(path.join(FIX, 'apps-none-with-header.txt'), 'utf8').split('\n')[0] + '\n';
    expect((await run(FAKE, ['--query-compute-apps=pid,used_gpu_memory', '--format=csv'], env)).stdout).toBe(none);
    expect((await run(FAKE, ['--query-compute-apps=pid,used_gpu_memory', '--format=csv,noheader'], env)).stdout).toBe(
      '',
    );
  });
});

describe.skipIf(!can.ok)('fake nvidia-smi over ssh (real sshd test hosts)', () => {
  let inst: TestHosts;

  beforeAll(async () => {
    inst = await startTestHosts({ count: 3 });
    console.log(
      `[fakeNvidiaSmi] 3 hosts up in ${inst.startupMs} ms on ${inst.subnet}: ${inst.hosts.map((h) => `${h.alias}=${h.address}`).join(' ')}`,
    );
  }, 60_000);

  /** ssh clients a test started: killed after each test even when it failed */
  const spawned: ChildProcess[] = [];
  afterEach(() => {
    for (const c of spawned.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  afterAll(async () => {
    await inst?.stop();
  }, 60_000);

  it('nvidia-smi over ssh prints the fixture idle values, then load values after setGpu', async () => {
    const h = inst.host('gpu-1');
    h.setGpu({ mode: 'idle' });
    let r = await ssh(inst, 'gpu-1', QUERY);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(col(Q, 'idle_nounits') + '\n');
    expect(r.stdout).toBe('0, NVIDIA H100 80GB HBM3, 0, 0, 81559, 37, 72.90\n');
    h.setGpu({ mode: 'load' });
    r = await ssh(inst, 'gpu-1', QUERY);
    expect(r.stdout).toBe(col(Q, 'load_nounits') + '\n');
    expect(r.stdout).toBe('0, NVIDIA H100 80GB HBM3, 99, 20085, 81559, 63, 696.74\n');
    // other hosts keep their own state
    expect((await ssh(inst, 'gpu-2', QUERY)).stdout).toBe(col(Q, 'idle_nounits') + '\n');
    h.setGpu({ mode: 'idle' });
  }, 30_000);

  it('csv header matches the real tool (clocks.sm -> clocks.current.sm [MHz])', async () => {
    const fields = ['index', 'clocks.sm', 'memory.used', 'utilization.gpu', 'power.draw', 'fan.speed', 'gpu_uuid'];
    const r = await ssh(inst, 'gpu-1', `nvidia-smi --query-gpu=${fields.join(',')} --format=csv`);
    expect(r.code).toBe(0);
    const [header, values] = r.stdout.split('\n');
    expect(header).toBe(col(fields, 'header'));
    expect(header).toBe(
      'index, clocks.current.sm [MHz], memory.used [MiB], utilization.gpu [%], power.draw [W], fan.speed [%], uuid',
    );
    expect(values).toBe(col(fields, 'idle'));
  }, 30_000);

  it('unknown field: the real message and exit 2; nodevices: exit 6; nodriver: exit 9', async () => {
    const h = inst.host('gpu-3');
    const bad = await ssh(inst, 'gpu-3', 'nvidia-smi --query-gpu=index,bogus.field --format=csv');
    const fixture = fs.readFileSync(path.join(FIX, 'err-bad-field.txt'), 'utf8');
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe(fixture.replace(/exit=2\n$/, ''));

    h.setGpu({ mode: 'nodevices' });
    const nd = await ssh(inst, 'gpu-3', QUERY);
    expect(nd.code).toBe(6);
    expect(nd.stdout).toBe('No devices were found\n');

    h.setGpu({ mode: 'nodriver' });
    const nv = await ssh(inst, 'gpu-3', 'nvidia-smi');
    expect(nv.code).toBe(9);
    expect(nv.stdout).toContain(
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
    );

    h.setGpu({ mode: 'idle' });
    const idx = await ssh(inst, 'gpu-3', 'nvidia-smi -i 5 --query-gpu=index --format=csv,noheader');
    expect(idx.code).toBe(6);
    expect(idx.stdout).toBe('No devices were found\n');
  }, 30_000);

  it('count=8 gives 8 GPUs (indices 0..7, distinct uuids and bus ids); util override per GPU', async () => {
    const h = inst.host('gpu-2');
    h.setGpu({ mode: 'load', count: 8, util: [99, 99, 0, 99, 99, 99, 99, 99] });
    const r = await ssh(
      inst,
      'gpu-2',
      'nvidia-smi --query-gpu=index,uuid,pci.bus_id,utilization.gpu --format=csv,noheader,nounits',
    );
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(', '));
    expect(rows.map((x) => x[0])).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(new Set(rows.map((x) => x[1])).size).toBe(8);
    expect(new Set(rows.map((x) => x[2])).size).toBe(8);
    expect(rows[0][1]).toBe(tsv.get('uuid')!.load); // GPU 0 is exactly the captured record
    expect(rows.map((x) => x[3])).toEqual(['99', '99', '0', '99', '99', '99', '99', '99']);
    const apps = await ssh(
      inst,
      'gpu-2',
      'nvidia-smi --query-compute-apps=pid,process_name,used_gpu_memory,gpu_uuid --format=csv,noheader,nounits',
    );
    const appRows = apps.stdout.trim().split('\n');
    expect(appRows).toHaveLength(8);
    expect(appRows[0]).toBe(`2671, python3, 20076, ${tsv.get('uuid')!.load}`);
    h.setGpu({ mode: 'idle' });
  }, 30_000);

  it('-lms 200 streams one line per GPU per interval and reflects a state flip mid-stream', async () => {
    const h = inst.host('gpu-1');
    h.setGpu({ mode: 'load', count: 2 });
    const child = spawn('ssh', [
      ...sshArgs(inst, 'gpu-1'),
      'nvidia-smi --query-gpu=index,utilization.gpu --format=csv,noheader,nounits -lms 200',
    ]);
    spawned.push(child);
    const lines: Array<{ t: number; line: string }> = [];
    let buf = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        lines.push({ t: Date.now(), line: buf.slice(0, i) });
        buf = buf.slice(i + 1);
      }
    });
    await waitFor(() => lines, {
      until: (l) => l.length >= 6,
      timeoutMs: 10_000,
      what: 'six samples',
      show: (l) => JSON.stringify(l.map((x) => x.line)),
    });
    expect(lines.slice(0, 6).map((l) => l.line)).toEqual(['0, 99', '1, 99', '0, 99', '1, 99', '0, 99', '1, 99']);
    // consecutive intervals arrive ~200 ms apart (flushed, not buffered)
    expect(lines[4].t - lines[2].t).toBeGreaterThan(120);
    h.setGpu({ mode: 'load', count: 2, util: 0 }); // a stall: process still there, 0 %
    await waitFor(() => lines.some((l) => l.line === '0, 0'), 5_000, 'the idle sample');
    const flip = lines.findIndex((l) => l.line === '0, 0');
    expect(lines[flip + 1]?.line ?? '1, 0').toBe('1, 0');
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
    // the remote fake notices the closed channel (SIGPIPE) within an interval or two
    const awkLeft = () =>
      h.pids().filter((p) => {
        try {
          return fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'awk';
        } catch {
          return false;
        }
      });
    await waitFor(() => awkLeft().length === 0, 5_000, 'no awk left');
    h.setGpu({ mode: 'idle' });
  }, 30_000);

  it('a stream piped into head ends promptly on the remote side (SIGPIPE)', async () => {
    const t0 = Date.now();
    const r = await ssh(
      inst,
      'gpu-3',
      'nvidia-smi --query-gpu=index --format=csv,noheader -lms 100 | head -n 3; echo done',
    );
    expect(r.stdout).toBe('0\n0\n0\ndone\n');
    expect(Date.now() - t0).toBeLessThan(5_000);
  }, 30_000);
});
