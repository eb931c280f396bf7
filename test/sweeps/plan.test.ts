/**
 * The sweep's look at its hosts and its plan, over the scripted fake transport: the host probe,
 * the GPU look (nvidia-smi GPUs and compute processes) and the queue listing as a server prints
 * them, then placement and dedupe on what they said.
 */
import { describe, expect, it } from 'vitest';
import { transportExec } from '../../src/backends/runBackend.js';
import { tmuxBackend } from '../../src/backends/tmux/tmuxBackend.js';
import { normalizeConfig } from '../../src/config/load.js';
import { type HostLook, lookAtHost } from '../../src/sweeps/fleetLook.js';
import { describePlan, planSweep } from '../../src/sweeps/plan.js';
import { resolveSweep } from '../../src/sweeps/spec.js';
import { parseSweepLook } from '../../src/sweeps/sweepFiles.js';
import { probeOutput } from '../actions/fakeHost.js';
import { ScriptedTransport } from '../support/scriptedTransport.js';

const UUID = (i: number) => `GPU-8e3a1f4b-0000-0000-0000-0000000000${String(i).padStart(2, '0')}`;
const gpuLine = (i: number, memUsed = 1) => `${i}, ${UUID(i)}, NVIDIA H100 80GB HBM3, 0, ${memUsed}, 81559, 31, 70.5`;

function lookOutput(o: { gpus: number; apps?: number[]; mem?: Record<number, number>; sweeps?: string[] }): string {
  return [
    '@@machine gpu-node-1',
    '@@gpus',
    ...Array.from({ length: o.gpus }, (_, i) => gpuLine(i, o.mem?.[i])),
    '@@/gpus 0',
    '@@apps',
    ...(o.apps ?? []).map((i) => `${UUID(i)}, ${4000 + i}, python3, 1200`),
    '@@/apps 0',
    ...(o.sweeps ?? []).map((s) => `@@sweep ${s}`),
    '@@end',
    '',
  ].join('\n');
}

function queueOutput(entries: { name: string; manifest: Record<string, unknown> }[] = []): string {
  return [
    '@@home /home/u',
    '@@machine gpu-node-1',
    ...entries.flatMap((e) => [`@@entry ${e.name}`, '1', '0', JSON.stringify(e.manifest)]),
    '@@end',
    '',
  ].join('\n');
}

const manifest = (session: string, hash: string, extra: Record<string, unknown> = {}) => ({
  session,
  project: 'mnist',
  host: 'a',
  remoteDir: '/home/u/mnist',
  command: 'python train.py',
  configHash: hash,
  gpus: '0',
  ...extra,
});

async function look(host: string, t: ScriptedTransport): Promise<HostLook> {
  const l = await lookAtHost(transportExec(t), tmuxBackend, host, '~/mnist');
  t.verify();
  return l;
}

const config = normalizeConfig(
  {
    hosts: ['a', 'b'],
    projects: { mnist: { local: '/tmp/m', remote: '~/mnist', train: 'python train.py --lr {lr} --seed {seed}' } },
  },
  'test.json',
);

describe('sweep plan over scripted hosts', () => {
  it('reads GPUs, compute processes, runs and queue; places around busy GPUs and skips duplicates', async () => {
    // a: 2 GPUs, GPU 1 has a colleague's process; a run of ours holds GPU 0 (no CUDA context yet)
    const a = new ScriptedTransport()
      .expect('trainyard-probe', {
        stdout: probeOutput({
          sessions: [{ name: 'other-1' }],
          manifests: [{ manifest: manifest('other-1', 'h-busy', { gpus: '0' }) }],
        }),
      })
      .expect('trainyard-sweep-look', { stdout: lookOutput({ gpus: 2, apps: [1] }) })
      .expect('trainyard-queue-list', { stdout: queueOutput() });
    // b: 3 GPUs, one over the memory threshold; an earlier run of this very config ended there, one is queued
    const b = new ScriptedTransport()
      .expect('trainyard-probe', {
        stdout: probeOutput({
          manifests: [{ manifest: manifest('scan-1', 'h0', { sweep: 'scan', host: 'b' }), exit: 0 }],
        }),
      })
      .expect('trainyard-sweep-look', { stdout: lookOutput({ gpus: 3, mem: { 2: 9000 }, sweeps: ['scan'] }) })
      .expect('trainyard-queue-list', {
        stdout: queueOutput([{ name: '1765000000000-scan-2', manifest: manifest('scan-2', 'h1', { sweep: 'scan' }) }]),
      });
    const looks = [await look('a', a), await look('b', b)];
    expect(looks.map((l) => l.error)).toEqual([null, null]);

    const spec = {
      ...resolveSweep(config, { target: 'mnist', grid: ['lr=1,2,3,4,5,6'], params: ['seed=1'], name: 'scan' }),
      freeMemoryMiB: 8000,
    };
    const hashes = spec.paramSets.map((_, i) => `h${i}`);
    const plan = planSweep(spec, looks, hashes);

    expect(plan.duplicates.map((d) => [d.params.lr, d.seen.id, d.seen.state])).toEqual([
      ['1', 'scan-1', 'exited 0'],
      ['2', 'scan-2', 'queued'],
    ]);
    // a's GPU 0 is held by a live run, GPU 1 by a process; b's GPU 2 is over the threshold
    expect(plan.launch.map((l) => [l.run.id, l.host, l.gpus])).toEqual([
      ['scan-3', 'b', [0]],
      ['scan-4', 'b', [1]],
    ]);
    // the queue is spread by GPU count, counting b's entry already waiting: a (2 GPUs) one, b (3 GPUs) one more
    expect(plan.queue.map((q) => [q.run.id, q.host, q.run.params.lr])).toEqual([
      ['scan-5', 'a', '5'],
      ['scan-6', 'b', '6'],
    ]);
    expect(describePlan(plan).join('\n')).toMatch(/skip +lr=1 seed=1: same config as scan-1 on b \(exited 0\)/);
  });

  it('leaves out a host that cannot be read, or whose nvidia-smi fails, and says why', async () => {
    const a = new ScriptedTransport()
      .expect('trainyard-probe', { stdout: probeOutput() })
      .expect('trainyard-sweep-look', {
        stdout: '@@machine m\n@@gpus\nNo devices were found\n@@/gpus 6\n@@apps\n@@/apps 6\n@@end\n',
      })
      .expect('trainyard-queue-list', { stdout: queueOutput() });
    const b = new ScriptedTransport().expect('trainyard-probe', { code: 255, stderr: 'Connection reset' });
    const looks = [await look('a', a), await look('b', b)];
    expect(looks[1].error).toMatch(/cannot look at b: Connection reset/);
    const spec = resolveSweep(config, { target: 'mnist', grid: ['lr=1,2'], params: ['seed=1'], name: 's' });
    const plan = planSweep(spec, looks, ['x', 'y']);
    expect(plan.launch).toEqual([]);
    expect(plan.unplaceable.map((u) => u.id)).toEqual(['s-1', 's-2']);
    expect(plan.skippedHosts.map((h) => `${h.host}: ${h.why}`)).toEqual([
      'a: no GPUs to use: No devices were found',
      expect.stringMatching(/^b: cannot look at b/),
    ]);
  });

  it('a GPU look with a forged section or no end marker is not trusted', () => {
    expect(parseSweepLook('@@machine m\n@@gpus\n@@/gpus 0\n')).toBeNull();
    const l = parseSweepLook(lookOutput({ gpus: 1, sweeps: ['scan stopped', 'x'] }));
    expect(l?.sweeps).toEqual([
      { name: 'scan', stopped: true, capped: false },
      { name: 'x', stopped: false, capped: false },
    ]);
  });
});
