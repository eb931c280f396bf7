/**
 * Attach (ssh -t, or a new window of a real local tmux) and sync (a stale shared ssh connection
 * for rsync, cancelling), against a real host.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPathFor } from '../../src/actions/sshMux.js';
import type { Question } from '../../src/actions/types.js';
import { tmuxBackend } from '../../src/backends/tmux/tmuxBackend.js';
import type { Config } from '../../src/config/types.js';
import { shJoin } from '../../src/shell/quote.js';
import type { SshConnection } from '../../src/ssh/connection.js';
import { canRunTestHosts, type TestHosts } from '../harness/testHosts.js';
import { inTerminal } from '../support/scriptTerminal.js';
import { type ActionLab, expectOk, type RemoteHost, removeDir, runAction, waitOnHost } from './helpers.js';
import { launchSample, startSessionsLab } from './sessionsLab.js';

const can = canRunTestHosts();

function procName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Yes to syncing under a live run, no to anything else (deleting on the server). */
const yesUnderLive = async (q: Question) => q.kind === 'confirm' && q.title === 'Sync under a live run?';

describe.skipIf(!can.ok)('attach and sync on a real host', () => {
  let fixture: ActionLab;
  let lab: TestHosts;
  let h: RemoteHost;
  let config: Config;
  let conn: SshConnection;
  let work: string;
  let local: string;
  let dataDir: string;
  const env = { ...process.env, TMUX: '' };
  const launch = (session: string, train: string) => launchSample(fixture, env, session, train);

  beforeAll(async () => {
    fixture = await startSessionsLab('ty-attach-sync-', env);
    ({ lab, h, config, conn, work, local, dataDir } = fixture);
  });

  afterAll(() => fixture?.stop());
  it('attach hands a terminal to ssh -t … tmux attach and returns on detach', async () => {
    await launch('att-1', 'python3 train.py --steps 100000 --step-seconds 0.2');
    const argv = tmuxBackend.attachCommand(config.sshConfig, h.alias, 'att-1', 'here').argv;
    expect(argv).toEqual(['ssh', '-F', config.sshConfig, '-t', '--', 'gpu-1', 'tmux attach-session -t =att-1']);
    const { child, screen, exited } = inTerminal(argv);
    await waitOnHost(h, "tmux display-message -p -t '=att-1:' '#{session_attached}'", /^1$/m);
    child.stdin.write('\x02d'); // Ctrl-b d
    expect(await exited).toBe(0);
    expect(screen()).toContain('[detached');
    expect((await h.run("tmux display-message -p -t '=att-1:' '#{session_attached} #{pane_dead}'")).stdout.trim()).toBe(
      '0 0',
    );
  });

  it('attach opens a new window of the local tmux when asked inside one', async () => {
    const sock = path.join(work, 'local-tmux.sock');
    execFileSync('tmux', ['-S', sock, 'new-session', '-d', '-s', 'mine', 'sleep 120']);
    const pid = execFileSync('tmux', ['-S', sock, 'display-message', '-p', '#{pid}'], { encoding: 'utf8' }).trim();
    try {
      const inTmux = { ...process.env, TMUX: `${sock},${pid},0` };
      const r = await runAction(
        config,
        conn,
        'attach',
        { host: h.alias, session: 'att-1' },
        { dataDir, env: inTmux, answerer: async (q) => (q.kind === 'choice' ? 'new-window' : null) },
      );
      expect(r.verdict).toMatchObject({ outcome: 'ok', summary: 'opened att-1 on gpu-1 in a new tmux window' });
      await waitOnHost(h, "tmux display-message -p -t '=att-1:' '#{session_attached}'", /^1$/m);
      expect(
        execFileSync('tmux', ['-S', sock, 'list-windows', '-F', '#{window_name}'], { encoding: 'utf8' }),
      ).toContain('att-1@gpu-1');
    } finally {
      execFileSync('tmux', ['-S', sock, 'kill-server']);
    }
  });

  it("replaces rsync's shared ssh connection when its link went stale, instead of hanging", async () => {
    const host = lab.hosts[0];
    const sshdPids = () => new Set(host.pids().filter((pid) => /^sshd/.test(procName(pid))));
    spawnSync('ssh', ['-F', lab.sshConfigPath, '-o', `ControlPath=${controlPathFor(env)}`, '-O', 'exit', h.alias]); // start without one
    const before = sshdPids();
    // att-1 still runs: the question about syncing under it is answered yes
    expectOk(
      await runAction(
        config,
        conn,
        'sync',
        { host: h.alias, project: 'sample' },
        { dataDir, env, answerer: yesUnderLive },
      ),
    );
    const master = [...sshdPids()].filter((pid) => !before.has(pid));
    expect(master.length).toBeGreaterThan(0); // the shared connection outlives the sync
    for (const pid of master) process.kill(pid, 'SIGSTOP'); // its link goes silent, as after a sleep or roaming
    try {
      const t0 = Date.now();
      const r = await runAction(
        config,
        conn,
        'sync',
        { host: h.alias, project: 'sample' },
        { dataDir, env, answerer: yesUnderLive },
      );
      expect(r.verdict.outcome, r.text).toBe('ok');
      expect(r.text).toContain('(the shared ssh connection for rsync had gone stale: replaced)');
      expect(Date.now() - t0).toBeLessThan(10_000);
    } finally {
      for (const pid of master) process.kill(pid, 'SIGKILL');
    }
  });

  it('cancels a sync: rsync and its ssh stop, the run says cancelled', async () => {
    writeFileSync(path.join(local, 'big-data.raw'), Buffer.alloc(400 * 1024 * 1024, 7));
    try {
      let cancelledAt: number | null = null;
      const r = await runAction(
        config,
        conn,
        'sync',
        { host: h.alias, project: 'sample' },
        {
          dataDir,
          env,
          answerer: yesUnderLive,
          onStart: (runner, runId) => {
            const unsub = runner.store.subscribe((s) => {
              const p = s.runs[runId]?.progress;
              if (cancelledAt === null && p && (p.bytes ?? 0) > 0) {
                cancelledAt = Date.now();
                unsub();
                runner.cancel(runId);
              }
            });
          },
        },
      );
      expect(cancelledAt).not.toBeNull();
      expect(r.verdict.outcome).toBe('cancelled');
      expect(
        execFileSync('sh', ['-c', `pgrep -f ${shJoin([`[r]sync .*${local}/`])} || true`], { encoding: 'utf8' }).trim(),
      ).toBe('');
    } finally {
      removeDir(path.join(local, 'big-data.raw'));
    }
  });
});
