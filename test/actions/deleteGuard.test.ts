/**
 * rsync --delete against a real host: nothing is deleted before the list was shown and
 * confirmed, then exactly that list (files that appear after the question stay), and while a
 * run of the project is alive its outputs, checkpoints and log are never deleted — even when
 * nothing excludes them.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question } from '../../src/actions/types.js';
import type { Config } from '../../src/config/types.js';
import type { SshConnection } from '../../src/ssh/connection.js';
import { canRunTestHosts } from '../harness/testHosts.js';
import {
  type ActionLab,
  expectOk,
  type RemoteHost,
  runAction,
  sampleProject,
  startActionLab,
  waitOnHost,
} from './helpers.js';

const can = canRunTestHosts();

describe.skipIf(!can.ok)('sync --delete on a real host', () => {
  let fixture: ActionLab;
  let h: RemoteHost;
  let config: Config;
  let conn: SshConnection;
  let local: string;
  let dataDir: string;

  beforeAll(async () => {
    // Results in a directory nothing excludes (not in the defaults, not in .gitignore), the log inside the project:
    // only the guard stands between --delete and the run's files.
    fixture = await startActionLab({
      prefix: 'ty-guard-',
      projects: (local) => ({
        sample: sampleProject(local, {
          train: 'python3 train.py --steps 400 --save-every 5 --step-seconds 0.05 --output {run_dir}',
          results: 'run-out',
          checkpoints: 'checkpoint-*',
          log: 'logs/{session}.log',
        }),
      }),
    });
    ({ h, config, conn, local, dataDir } = fixture);
  });

  afterAll(() => fixture?.stop());

  it('shows what --delete would remove and deletes nothing without a yes', async () => {
    const target = { host: h.alias, project: 'sample' };
    expectOk(await runAction(config, conn, 'sync', target, { dataDir }));
    await h.run('cd ~/work/sample && echo old > old_module.py && mkdir -p stale && echo x > stale/notes.txt');
    const asked: Question[] = [];
    const no = await runAction(config, conn, 'sync', target, {
      dataDir,
      answerer: async (q) => (asked.push(q), q.kind === 'confirm' ? false : null),
    });
    expectOk(no);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ kind: 'confirm', destructive: true });
    expect(asked[0].kind === 'confirm' && asked[0].details.sort()).toEqual([
      'old_module.py',
      'stale/',
      'stale/notes.txt',
    ]);
    expect(no.verdict.details.join('\n')).toContain('3 path(s) not in');
    expect((await h.run('cd ~/work/sample && ls old_module.py stale/notes.txt')).code).toBe(0);

    const yes = await runAction(config, conn, 'sync', target, { dataDir, answerer: async (q) => q.kind === 'confirm' });
    expectOk(yes);
    expect(yes.verdict.data?.deleted).toBe(3);
    expect((await h.run('cd ~/work/sample && ls old_module.py stale 2>&1')).stdout).toMatch(/No such file/);
  });

  it('deletes exactly what was approved: files created after the yes stay, and are shown on the next sync', async () => {
    const target = { host: h.alias, project: 'sample' };
    expectOk(await runAction(config, conn, 'sync', target, { dataDir }));
    // names that a careless rule would widen: a wildcard, a newline, a trailing space, a directory
    await h.run(
      `cd ~/work/sample && touch stale.py 'a*.py' "$(printf 'nl\\nname')" 'sp ' && mkdir -p olddir && touch olddir/x.txt`,
    );
    const asked: string[][] = [];
    const yes = await runAction(config, conn, 'sync', target, {
      dataDir,
      answerer: async (q) => {
        if (q.kind !== 'confirm') return null;
        asked.push([...q.details]);
        // between the yes and the delete pass, the server gets new files (a run writing, a colleague)
        await h.run(`cd ~/work/sample && touch ab.py fresh.py sp olddir/new.txt`);
        return true;
      },
    });
    expectOk(yes);
    expect(asked).toEqual([['a*.py', 'nl\\#012name', 'olddir/', 'olddir/x.txt', 'sp ', 'stale.py']]);
    const left = await h.run(`cd ~/work/sample && find . -path ./.git -prune -o -print | LC_ALL=C sort`);
    const names = left.stdout.split('\n');
    for (const gone of ['./stale.py', './a*.py', './nl', './sp ', './olddir/x.txt'])
      expect(names, left.stdout).not.toContain(gone);
    for (const kept of ['./ab.py', './fresh.py', './sp', './olddir', './olddir/new.txt'])
      expect(names, left.stdout).toContain(kept);
    expect(yes.verdict.data?.deleted).toBe(5);
    expect(yes.verdict.data?.keptAfterYes).toEqual(['olddir/']);
    expect(yes.text).toContain('1 approved path(s) were not removed');

    const next: string[][] = [];
    await runAction(config, conn, 'sync', target, {
      dataDir,
      answerer: async (q) => (q.kind === 'confirm' && next.push([...q.details]), false),
    });
    expect(next).toEqual([['ab.py', 'fresh.py', 'olddir/', 'olddir/new.txt', 'sp']]);
    await h.run('cd ~/work/sample && rm -rf ab.py fresh.py sp olddir');
  });

  it("never deletes a live run's outputs, checkpoints or log, and says so", async () => {
    const target = { host: h.alias, project: 'sample' };
    const launch = await runAction(
      config,
      conn,
      'launch',
      { ...target, params: { session: 'guarded', gpus: 'all', verifyMs: 0 } },
      { dataDir },
    );
    expect(launch.verdict.outcome, launch.text).toBe('ok');
    await waitOnHost(h, 'ls ~/work/sample/run-out/guarded 2>/dev/null', /checkpoint-10/);
    await h.run('cd ~/work/sample && echo x > leftover.py');

    // the classic accident: sync with --delete (answered yes) while the run writes into the project
    const sync = await runAction(config, conn, 'sync', target, { dataDir, assumeYes: true });
    expect(sync.verdict.outcome, sync.text).toBe('ok');
    expect(sync.text).toContain(
      'protected from --delete: run-out/, run-out/guarded/checkpoint-*, logs/guarded.log (run guarded is alive)',
    );
    expect(sync.verdict.details.join('\n')).toContain('protected: run-out/');
    expect(sync.verdict.data?.deletions).toEqual(['leftover.py']);
    const after = await h.run('cd ~/work/sample && ls run-out/guarded logs && ls leftover.py 2>&1');
    expect(after.stdout).toContain('checkpoint-5');
    expect(after.stdout).toContain('checkpoint-10');
    expect(after.stdout).toContain('metrics.jsonl');
    expect(after.stdout).toContain('guarded.log');
    expect(after.stdout + after.stderr).toMatch(/leftover.py': No such file/);
    // the run itself did not notice
    expect((await h.run("tmux display-message -p -t '=guarded:' '#{pane_dead}'")).stdout.trim()).toBe('0');

    // once it is stopped, the same sync would remove the run's metrics (checkpoints stay excluded, *.log is
    // in .gitignore): the guard was what kept them
    const stop = await runAction(
      config,
      conn,
      'stop',
      { host: h.alias, session: 'guarded' },
      { dataDir, assumeYes: true },
    );
    expect(stop.verdict.outcome, stop.text).toBe('ok');
    writeFileSync(path.join(local, 'new.py'), 'print(1)\n');
    const asked: Question[] = [];
    await runAction(config, conn, 'sync', target, { dataDir, answerer: async (q) => (asked.push(q), false) });
    expect(asked[0]?.kind === 'confirm' && asked[0].details).toEqual([
      'run-out/guarded/',
      'run-out/guarded/metrics.jsonl',
    ]);
  });
});
