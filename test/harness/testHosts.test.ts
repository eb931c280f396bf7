/**
 * Proves the test-host harness against REAL OpenSSH servers: system `ssh -F <cfg> gpu-N ...` to
 * sshd processes in their own network namespaces (config, tmux, homes, link and firewall faults,
 * host keys, sshd restarts), and that starting and stopping hosts leaves nothing behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canRunTestHosts, sshArgs, startTestHosts, type TestHosts } from './testHosts.js';
import { col, Q, QUERY, run, ssh } from './testHostsLab.js';

const can = canRunTestHosts();
if (!can.ok) console.warn(`[testHosts] skipping real-sshd tests: ${can.reason}`);

describe.skipIf(!can.ok)('real sshd test hosts (network namespaces)', () => {
  let inst: TestHosts;

  beforeAll(async () => {
    inst = await startTestHosts({ count: 3 });
    console.log(
      `[testHosts] 3 hosts up in ${inst.startupMs} ms on ${inst.subnet}: ${inst.hosts.map((h) => `${h.alias}=${h.address}`).join(' ')}`,
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

  it('writes an ssh_config and known_hosts the system ssh client accepts', async () => {
    const cfg = fs.readFileSync(inst.sshConfigPath, 'utf8');
    for (const h of inst.hosts) expect(cfg).toContain(`Host ${h.alias}\n  HostName ${h.address}\n  Port 22\n`);
    expect(fs.readFileSync(inst.knownHostsPath, 'utf8')).toContain(`${inst.hosts[0].address} ssh-ed25519 `);
    const r = await ssh(inst, 'gpu-2', 'hostname; id -un; echo "$PATH"; echo "$TMUX_TMPDIR"');
    expect(r.code).toBe(0);
    const [hostname, user, p, tmuxdir] = r.stdout.trim().split('\n');
    expect(hostname).toBe('gpu-node-2');
    expect(user).toBe(inst.user);
    expect(p.startsWith(path.join(inst.dir, 'fakebin') + ':')).toBe(true);
    expect(tmuxdir).toBe(inst.host('gpu-2').tmuxTmpDir);
  }, 30_000);

  it('tmux sessions made with host.run on gpu-1 are visible over ssh on gpu-1 and NOT on gpu-2', async () => {
    const h1 = inst.host('gpu-1');
    const mk = await h1.run(`tmux new-session -d -s train01 'sleep 100' \\; set-option -t train01 remain-on-exit on`);
    expect(mk.code).toBe(0);
    const quick = await h1.run(
      `tmux new-session -d -s quick01 'sleep 0.5; exit 3' \\; set-option -t quick01 remain-on-exit on`,
    );
    expect(quick.code).toBe(0);
    const ls1 = await ssh(inst, 'gpu-1', "tmux list-sessions -F '#{session_name}'");
    expect(ls1.code).toBe(0);
    expect(ls1.stdout.split('\n').filter(Boolean).sort()).toEqual(['quick01', 'train01']);
    const ls2 = await ssh(inst, 'gpu-2', "tmux list-sessions -F '#{session_name}'");
    // real tmux, never started on this host: "error connecting to …/tmux-UID/default (No such file
    // or directory)"; once a server has run there: "no server running on …". Both exit 1 = empty list.
    expect(ls2.code).toBe(1);
    expect(ls2.stderr).toMatch(/no server running on|error connecting to .*\(No such file or directory\)/);
    // a dead pane stays readable with its exit code (poll: the pane dies 0.5 s after creation)
    const dead = await ssh(
      inst,
      'gpu-1',
      `for i in $(seq 50); do s=$(tmux list-panes -t quick01 -F '#{pane_dead} #{pane_dead_status}'); case "$s" in "1 "?*) break;; esac; sleep 0.1; done; echo "$s"`,
    );
    // tmux race (tmux/tmux#4841, seen here on 3.3a under load, ~1 run in 6): the pane is dead but
    // its exit status was never recorded, so pane_dead_status stays empty. Apps must not rely on it
    // alone (e.g. also have the command write its exit code to a file).
    const [paneDead, paneStatus = ''] = dead.stdout.trim().split(' ');
    expect(paneDead).toBe('1');
    if (paneStatus === '') console.warn('[testHosts] tmux left pane_dead_status empty (tmux/tmux#4841 race)');
    else expect(paneStatus).toBe('3');
    // the pane runs on the host: its hostname and the fake nvidia-smi are the host's
    const inPane = await h1.run(
      `tmux new-session -d -s probe 'hostname > ~/pane.txt; nvidia-smi -L >> ~/pane.txt'; sleep 0.3; cat ~/pane.txt`,
    );
    expect(inPane.stdout).toContain('gpu-node-1\nGPU 0: NVIDIA H100 80GB HBM3');
  }, 30_000);

  it('each host has its own home directory', async () => {
    const w = await ssh(inst, 'gpu-2', 'echo only-on-2 > ~/marker.txt && pwd');
    expect(w.code).toBe(0);
    expect(fs.readFileSync(path.join(inst.host('gpu-2').homeDir, 'marker.txt'), 'utf8')).toBe('only-on-2\n');
    const r = await ssh(inst, 'gpu-3', 'cat ~/marker.txt');
    expect(r.code).not.toBe(0);
  }, 30_000);

  it('linkDown makes ssh to that host fail while the others work; linkUp restores it', async () => {
    const h = inst.host('gpu-2');
    await h.linkDown();
    const t0 = Date.now();
    const [down, other] = await Promise.all([
      ssh(inst, 'gpu-2', 'true', ['-o', 'ConnectTimeout=2']),
      ssh(inst, 'gpu-1', 'hostname', ['-o', 'ConnectTimeout=2']),
    ]);
    expect(down.code).toBe(255);
    expect(down.stderr).toMatch(/timed out/i);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(other.code).toBe(0);
    expect(other.stdout).toBe('gpu-node-1\n');
    await h.linkUp();
    const up = await ssh(inst, 'gpu-2', 'hostname', ['-o', 'ConnectTimeout=5']);
    expect(up.code).toBe(0);
    expect(up.stdout).toBe('gpu-node-2\n');
  }, 30_000);

  it('firewall reject: connections are reset; open restores', async () => {
    const h = inst.host('gpu-3');
    await h.setFirewall('reject');
    const r = await ssh(inst, 'gpu-3', 'true', ['-o', 'ConnectTimeout=2']);
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/refused|reset/i);
    await h.setFirewall('open');
    expect((await ssh(inst, 'gpu-3', 'true')).code).toBe(0);
  }, 30_000);

  it('unknown and changed host keys fail like the real client says; valid restores', async () => {
    inst.setKnownHost('gpu-3', 'absent');
    const unknown = await ssh(inst, 'gpu-3', 'true');
    expect(unknown.code).toBe(255);
    expect(unknown.stderr).toMatch(/Host key verification failed/);
    inst.setKnownHost('gpu-3', 'wrong');
    const changed = await ssh(inst, 'gpu-3', 'true');
    expect(changed.code).toBe(255);
    expect(changed.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED/);
    inst.setKnownHost('gpu-3', 'valid');
    expect((await ssh(inst, 'gpu-3', 'true')).code).toBe(0);
  }, 30_000);

  it('stopSshd kills the listener and every session (and tmux) on that host; startSshd brings it back', async () => {
    const h = inst.host('gpu-3');
    await h.run(`tmux new-session -d -s keep 'sleep 100'`);
    // a long-running ssh session on the host
    const sess = spawn('ssh', [...sshArgs(inst, 'gpu-3'), 'sleep 100']);
    spawned.push(sess);
    const closed = new Promise<number | null>((r) => sess.once('close', (c) => r(c)));
    await new Promise((r) => setTimeout(r, 800));
    const oldPid = h.sshdPid;
    expect(h.pids().length).toBeGreaterThan(2);

    // keepTmux: sshd + sessions die, the tmux server survives (an sshd restart)
    await h.stopSshd({ keepTmux: true });
    expect(await closed).toBe(255);
    expect(h.sshdPid).toBe(0);
    const refused = await ssh(inst, 'gpu-3', 'true', ['-o', 'ConnectTimeout=2']);
    expect(refused.code).toBe(255);
    expect(refused.stderr).toMatch(/refused/i);
    expect((await h.run('tmux ls -F "#{session_name}"')).stdout).toBe('keep\n');

    await h.startSshd();
    expect(h.sshdPid).not.toBe(oldPid);
    expect((await ssh(inst, 'gpu-3', 'tmux ls -F "#{session_name}"')).stdout).toBe('keep\n');

    // default: everything on the host dies (host down)
    await h.stopSshd();
    expect(h.pids()).toEqual([]);
    await h.startSshd();
    const after = await ssh(inst, 'gpu-3', 'tmux ls');
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/no server running/);
  }, 30_000);
});

describe.skipIf(!can.ok)('harness lifecycle', () => {
  it('8 hosts come up quickly; stop() removes namespaces, bridge, processes and temp dir; idempotent', async () => {
    const inst = await startTestHosts({ count: 8, knownHosts: ['gpu-1'] });
    try {
      console.log(`[testHosts] 8 hosts up in ${inst.startupMs} ms`);
      expect(inst.startupMs).toBeLessThan(8 * 1000);
      expect(inst.hosts.map((h) => h.alias)).toEqual([
        'gpu-1',
        'gpu-2',
        'gpu-3',
        'gpu-4',
        'gpu-5',
        'gpu-6',
        'gpu-7',
        'gpu-8',
      ]);
      expect(new Set(inst.hosts.map((h) => h.address)).size).toBe(8);
      expect((await ssh(inst, 'gpu-8', 'hostname')).code).toBe(255); // not in known_hosts
      const ok = await ssh(inst, 'gpu-1', 'hostname');
      expect(ok.stdout).toBe('gpu-node-1\n');
      await inst.host('gpu-5').run(`tmux new-session -d -s t 'sleep 100'`);
    } finally {
      const pids = inst.hosts.flatMap((h) => h.pids());
      expect(pids.length).toBeGreaterThanOrEqual(8);
      await inst.stop();
      await inst.stop();
      const netns = await run('ip', ['netns', 'list']);
      expect(netns.stdout).not.toContain(`ty${inst.id}`);
      expect((await run('ip', ['link', 'show', inst.bridge!])).code).not.toBe(0);
      expect(fs.existsSync(inst.dir)).toBe(false);
      for (const p of pids)
        expect(fs.existsSync(`/proc/${p}`) && !/\) [ZX] /.test(fs.readFileSync(`/proc/${p}/stat`, 'utf8'))).toBe(false);
    }
  }, 60_000);

  it('loopback mode: sshd on 127.0.0.1 with distinct ports, same features', async () => {
    const inst = await startTestHosts({ count: 2, loopback: true, gpu: [{ mode: 'load' }, { mode: 'idle' }] });
    try {
      const [a, b] = inst.hosts;
      expect(a.address).toBe('127.0.0.1');
      expect(a.port).not.toBe(b.port);
      expect(fs.readFileSync(inst.knownHostsPath, 'utf8')).toContain(`[127.0.0.1]:${a.port} ssh-ed25519 `);
      const r = await ssh(inst, 'gpu-1', `hostname; ${QUERY}`);
      expect(r.stdout).toBe(`gpu-node-1\n${col(Q, 'load_nounits')}\n`);
      expect((await ssh(inst, 'gpu-2', QUERY)).stdout).toBe(`${col(Q, 'idle_nounits')}\n`);
      await a.linkDown();
      expect((await ssh(inst, 'gpu-1', 'true', ['-o', 'ConnectTimeout=2'])).code).toBe(255);
      expect((await ssh(inst, 'gpu-2', 'true')).code).toBe(0);
      await a.linkUp();
      expect((await ssh(inst, 'gpu-1', 'true')).code).toBe(0);
    } finally {
      await inst.stop();
    }
    expect(fs.existsSync(inst.dir)).toBe(false);
  }, 60_000);
});
