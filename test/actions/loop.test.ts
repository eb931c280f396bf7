/**
 * The research loop against a real sshd + tmux + rsync host: sync → smoke → launch → crash →
 * restart (resumes from the highest step) → pull (no checkpoints arrive).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import type { RunManifest } from '../../src/runs/layout.js';
import type { SshConnection } from '../../src/ssh/connection.js';
import { canRunTestHosts } from '../harness/testHosts.js';
import { type ActionLab, type RemoteHost, runAction, sampleProject, startActionLab, waitOnHost } from './helpers.js';

const can = canRunTestHosts();

describe.skipIf(!can.ok)('research loop on a real host', () => {
  let fixture: ActionLab;
  let h: RemoteHost;
  let config: Config;
  let conn: SshConnection;
  let local: string;
  let dataDir: string;

  beforeAll(async () => {
    fixture = await startActionLab({
      prefix: 'ty-loop-',
      hosts: { count: 1, gpu: { count: 2, util: [90, 5], set: { 'memory.used': [70000, 1000] } } },
      projects: (local) => ({ sample: sampleProject(local) }),
    });
    ({ h, config, conn, local, dataDir } = fixture);
  });

  afterAll(() => fixture?.stop());

  it('runs the whole loop', async () => {
    const target = { host: h.alias, project: 'sample' };

    // 1. sync: code arrives, .git and outputs do not; the remote dir is created the first time
    const sync = await runAction(config, conn, 'sync', target, { dataDir });
    expect(sync.verdict.outcome, sync.text).toBe('ok');
    expect(sync.verdict.summary).toMatch(/synced sample to gpu-1:\/home\/tytest\/work\/sample — .* in \d/);
    const listing = await h.run('cd ~/work/sample && find . -maxdepth 2 | sort');
    expect(listing.stdout).toContain('./train.py');
    expect(listing.stdout).toContain('./configs/exp1.yaml');
    expect(listing.stdout).not.toMatch(/^\.\/\.git$/m);

    // 2. smoke test: passes, loss goes down
    const smoke = await runAction(config, conn, 'smoke', target, { dataDir });
    expect(smoke.verdict.outcome, smoke.text).toBe('ok');
    expect(smoke.verdict.cause).toBe('passed');
    expect(smoke.verdict.details.join('\n')).toMatch(/loss went down: 2\.\d+ → /);
    expect(smoke.text).toContain('step 10 loss');
    // it ran in a scratch run directory, removed afterwards: nothing of it is ever pulled
    expect((await h.run('ls -A ~/.trainyard/smoke; ls -A ~/work/sample/outputs 2>&1 || true')).stdout).toMatch(
      /^ls: cannot access .*outputs.*No such file/,
    );

    // 3. launch on the least-used GPU; it crashes at step 13 (the flag file on the server)
    await h.run('rm -rf ~/work/sample/outputs && echo 13 > ~/work/sample/crash-at-step');
    const launch = await runAction(
      config,
      conn,
      'launch',
      { ...target, params: { session: 'loop-1', gpus: 'least-used', verifyMs: 0 } },
      { dataDir },
    );
    expect(launch.verdict.outcome, launch.text).toBe('ok');
    expect(launch.verdict.summary).toContain('least-used GPU 1');
    const exit1 = await waitOnHost(h, 'cat ~/.trainyard/runs/loop-1.exit 2>/dev/null', /^\d+/);
    expect(exit1.trim()).toBe('1');
    const log1 = (await h.run('cat ~/.trainyard/runs/loop-1.log')).stdout;
    expect(log1).toContain('cuda_visible_devices=1');
    expect(log1).toContain('RuntimeError: simulated crash at step 13');
    const manifest1 = JSON.parse((await h.run('cat ~/.trainyard/runs/loop-1.json')).stdout) as RunManifest;
    expect(manifest1).toMatchObject({
      session: 'loop-1',
      project: 'sample',
      host: 'gpu-1',
      gpus: '1',
      parent: null,
      remoteDir: '/home/tytest/work/sample',
      runDir: '/home/tytest/work/sample/outputs/loop-1',
      params: {},
      log: '/home/tytest/.trainyard/runs/loop-1.log',
    });
    expect(manifest1.git.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(manifest1.git.dirty).toBe(false);
    expect(manifest1.configHash).toMatch(/^[0-9a-f]{16}$/);
    const localManifest = JSON.parse(
      readFileSync(path.join(dataDir, 'runs', 'gpu-1', 'loop-1.json'), 'utf8'),
    ) as RunManifest;
    expect(localManifest.configHash).toBe(manifest1.configHash);
    // tmux kept the dead pane (remain-on-exit); its exit code is in the .exit marker, because tmux 3.3a
    // leaves #{pane_dead_status} empty now and then
    await waitOnHost(h, "tmux list-panes -t '=loop-1:' -F '#{pane_dead}'", /^1$/m);

    // a newer-by-mtime but lower-step checkpoint must not win
    await h.run(
      'sleep 1; mkdir -p ~/work/sample/outputs/loop-1/checkpoint-9 && echo \'{"step": 9}\' > ~/work/sample/outputs/loop-1/checkpoint-9/state.json',
    );

    // 4. restart: newest checkpoint by step (checkpoint-10), parent named, runs to the end
    const restart = await runAction(
      config,
      conn,
      'restart',
      { ...target, params: { session: 'loop-2', gpus: 'all', verifyMs: 0 } },
      { dataDir },
    );
    expect(restart.verdict.outcome, restart.text).toBe('ok');
    expect(restart.text).toContain(
      'newest of 3 checkpoint(s) in /home/tytest/work/sample/outputs/loop-1: checkpoint-10',
    );
    const exit2 = await waitOnHost(h, 'cat ~/.trainyard/runs/loop-2.exit 2>/dev/null', /^\d+/, 30_000);
    expect(exit2.trim()).toBe('0');
    const log2 = (await h.run('cat ~/.trainyard/runs/loop-2.log')).stdout;
    expect(log2).toContain('resumed from /home/tytest/work/sample/outputs/loop-1/checkpoint-10 at step 11');
    expect(log2).toContain('step 30 loss');
    const manifest2 = JSON.parse((await h.run('cat ~/.trainyard/runs/loop-2.json')).stdout) as RunManifest;
    expect(manifest2).toMatchObject({
      parent: 'loop-1',
      restartedBy: 'user',
      resumedFrom: '/home/tytest/work/sample/outputs/loop-1/checkpoint-10',
      runDir: '/home/tytest/work/sample/outputs/loop-1',
      gpus: null,
      configHash: manifest1.configHash,
    });
    expect(manifest2.effectiveCommand).toBe(
      'python3 train.py --output "${ty_run_dir}" --steps 30 --save-every 5 --step-seconds 0.08 --resume "$ty_checkpoint"',
    );

    // 5. pull: results arrive, checkpoints and weights do not
    const pull = await runAction(config, conn, 'pull', target, { dataDir });
    expect(pull.verdict.outcome, pull.text).toBe('ok');
    // the lineage's one directory: the restart wrote on in its parent's
    expect(readdirSync(path.join(local, 'outputs'))).toEqual(['loop-1']);
    const arrived = readdirSync(path.join(local, 'outputs', 'loop-1')).sort();
    expect(arrived).toEqual(['final.json', 'metrics.jsonl']);
    expect(existsSync(path.join(local, 'outputs', 'loop-1', 'model.pt'))).toBe(false);
    expect(pull.verdict.summary).toMatch(/pulled 2 new and 0 updated file/);

    // launching the same config again asks first (and is not launched when the answer is no)
    const again = await runAction(
      config,
      conn,
      'launch',
      { ...target, params: { session: 'loop-3', gpus: 'all', verifyMs: 0 } },
      { dataDir },
    );
    expect(again.verdict.outcome).toBe('declined');
    expect(again.verdict.summary).toContain(`config ${manifest1.configHash} already ran`);
    expect((await h.run("tmux has-session -t '=loop-3'")).code).not.toBe(0);
  });
});
