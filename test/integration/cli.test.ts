import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ssh2Crypto } from '../../src/cli/sshCryptoCheck.js';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`integration tests cannot run in CI: ${can.reason}`);
const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');

describe.skipIf(!can.ok)('trainyard status and doctor against real hosts', () => {
  let hosts: TestHosts;
  let config: string;

  beforeAll(async () => {
    hosts = await startTestHosts({ count: 2, gpu: [{ mode: 'load', count: 2 }, { mode: 'nodevices' }] });
    await hosts
      .host('gpu-1')
      .run(`tmux new-session -d -s 'train 01' 'sleep 0.2; exit 4' \\; set-option -t 'train 01' remain-on-exit on`);
    config = path.join(hosts.dir, 'status.json');
    writeFileSync(config, JSON.stringify({ hosts: ['gpu-1', 'gpu-2'], sshConfig: hosts.sshConfigPath }));
    await new Promise((r) => setTimeout(r, 500));
  });
  afterAll(async () => hosts?.stop());

  it('status --json reports every host, its GPUs and sessions, and exits 0', async () => {
    const r = await execa('node', [BIN, 'status', '--json', '--config', config], { reject: false });
    expect(r.exitCode).toBe(0);
    const { hosts: out } = JSON.parse(r.stdout);
    expect(out.map((h: { alias: string; state: string }) => [h.alias, h.state])).toEqual([
      ['gpu-1', 'connected'],
      ['gpu-2', 'connected'],
    ]);
    expect(out[0].gpus).toHaveLength(2);
    expect(out[0].gpus[0]).toMatchObject({
      index: 0,
      name: 'NVIDIA H100 80GB HBM3',
      utilization: 99,
      memoryTotalMiB: 81559,
    });
    expect(out[0].sessions).toEqual([expect.objectContaining({ name: 'train 01', running: false, exitStatus: 4 })]);
    expect(out[1].gpus).toEqual([]);
    expect(out[1].gpuError).toBe('No devices were found');
    // no watchdog installed on these hosts: said so, not an error
    expect(out[0].watchdog).toMatchObject({ installed: false, running: false, unreadCount: 0 });
  });

  it('status prints a table for people, and exits 1 when a host is unreachable', async () => {
    await hosts.host('gpu-2').stopSshd();
    try {
      const r = await execa('node', [BIN, 'status', '--config', config, '--timeout', '5'], { reject: false });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/gpu-1\s*│\s*connected/);
      expect(r.stdout).toMatch(/gpu-2\s*│\s*unreachable/);
      expect(r.stdout).toMatch(/gpu-2: connection refused/);
    } finally {
      await hosts.host('gpu-2').startSshd();
    }
  });

  it('doctor checks each host and says what to fix', async () => {
    hosts.setKnownHost('gpu-2', 'wrong');
    try {
      const r = await execa('node', [BIN, 'doctor', '--config', config, '--timeout', '10'], { reject: false });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/\[ok \] gpu-1 auth: logged in as tytest/);
      expect(r.stdout).toMatch(/\[ok \] gpu-1 nvidia-smi: 2 GPU\(s\)/);
      expect(r.stdout).toMatch(/\[ok \] gpu-1 tmux: tmux \d/);
      expect(r.stdout).toMatch(/\[ok \] gpu-1 rsync: rsync\s+version/);
      expect(r.stdout).toMatch(/\[ok \] gpu-1 disk: [\d.]+ GiB free/);
      expect(r.stdout).toMatch(
        ssh2Crypto().native
          ? /\[ok \] this machine ssh crypto: ssh2's native binding/
          : /\[ok \] this machine ssh crypto: ssh2's JavaScript fallback[^\n]*npm rebuild ssh2/,
      );
      expect(r.stdout).toMatch(
        /\[FAIL\] gpu-2 host key: HOST KEY CHANGED[^\n]*\n\s+fix: refused\. If the server was really reinstalled: ssh-keygen -R/,
      );
    } finally {
      hosts.setKnownHost('gpu-2', 'valid');
    }
  });

  it('a bad config is a message naming the field, exit 2, no stack trace', async () => {
    const bad = path.join(hosts.dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ hosts: [42] }));
    const r = await execa('node', [BIN, 'status', '--config', bad], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/hosts\[0\] .*fix:/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
