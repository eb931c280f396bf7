import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';
import { TmuxTerminal } from './terminal.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`end-to-end tests cannot run in CI: ${can.reason}`);

const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');
const REMOTE = '/home/tytest/demo';
/** A file name longer than any question box is wide: the delete question cuts it. */
const LONG_NAME = `stale-${'abcdefghij'.repeat(8)}-TAIL.txt`;

/** Run history and the questions a person answers, in the built CLI in a real terminal (tmux). */
describe.skipIf(!can.ok)('run history and questions, in a real terminal (tmux)', () => {
  let hosts: TestHosts;
  let config: string;
  let term: TmuxTerminal | null = null;

  beforeAll(async () => {
    hosts = await startTestHosts({ count: 1, gpu: { mode: 'load', count: 8 } });
    await hosts.host('gpu-1').run(`mkdir -p ${REMOTE}`);
    const local = mkdtempSync(path.join(hosts.dir, 'proj-'));
    cpSync(path.join(import.meta.dirname, '..', 'sample-project'), local, { recursive: true });
    config = path.join(hosts.dir, 'history.json');
    writeFileSync(
      config,
      JSON.stringify({
        hosts: ['gpu-1'],
        sshConfig: hosts.sshConfigPath,
        projects: {
          demo: { local, remote: REMOTE, train: 'echo hello-from-the-run; sleep 600' },
          crash: { local, remote: REMOTE, train: 'sleep 2; echo going down; exit 3' },
          steps: {
            local,
            remote: REMOTE,
            train:
              'i=0; while [ $i -lt 1000 ]; do i=$((i + 1)); echo "step $i/1000 loss 0.$((1000 - i))"; sleep 0.2; done',
          },
        },
      }),
    );
  });

  afterEach(() => {
    term?.stop();
    term = null;
  });

  afterAll(async () => hosts?.stop());

  /** Launches a run with the CLI, as one would from a shell before opening the cockpit. */
  function launch(session: string, project = 'demo', ...more: string[]): void {
    execFileSync(
      'node',
      [BIN, '--config', config, 'launch', project, '--host', 'gpu-1', '--session', session, '--yes', ...more],
      { encoding: 'utf8', env: { ...process.env, TMUX: '' } },
    );
  }

  function cli(...args: string[]): string {
    return execFileSync('node', [BIN, '--config', config, ...args], {
      encoding: 'utf8',
      env: { ...process.env, TMUX: '' },
    });
  }

  function open(columns: number, rows: number): TmuxTerminal {
    term = new TmuxTerminal(columns, rows);
    term.start(`node ${BIN} --config ${config}`, { PATH: process.env.PATH!, TERM: 'tmux-256color' });
    return term;
  }

  const flat = (s: string) => s.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');
  /** The screen without any whitespace: text wrapped across rows reads whole. */
  const joined = (s: string) => s.replace(/[│╭╮╰╯─┃━┏┓┗┛\s]/g, '');

  for (const [columns, rows] of [
    [200, 50],
    [80, 24],
  ] as const) {
    it(`${columns}x${rows}: a stopped run stays listed as stopped with its log; X clears the ended runs after asking`, async () => {
      const run = `hist-${columns}`;
      launch(run);
      const t = open(columns, rows);
      await t.waitFor((s) => new RegExp(`${run}.*running`).test(s), 20_000, 'the run, running');
      // the Sessions pane and stop, in one chunk
      t.send('-l', '3x');
      await t.waitFor((s) => /Stop the run\?/.test(s), 15_000, 'stop question');
      t.send('y');
      await t.waitFor((s) => new RegExp(`${run}.*stopped`).test(s), 20_000, 'listed as stopped');
      t.send('l');
      await t.waitFor((s) => /hello-from-the-run/.test(s), 15_000, "the stopped run's log");
      t.send('Escape');
      await t.waitFor((s) => !/hello-from-the-run/.test(s), 5_000, 'log closed');
      t.send('X');
      const asked = await t.waitFor((s) => /Clear the ended runs\?/.test(s), 15_000, 'clear question');
      expect(flat(asked)).toContain(`${run} stopped`);
      t.send('y');
      // the verdict, and the list without the run (it was the host's only session)
      await t.waitFor((s) => joined(s).includes('cleared1endedsession'), 20_000, 'cleared');
      await t.waitFor((s) => /no tmux sessions/.test(s), 15_000, 'gone from the list');
      // its log and manifest stay on the server
      expect((await hosts.host('gpu-1').run(`cat ~/.trainyard/runs/${run}.log`)).stdout).toContain(
        'hello-from-the-run',
      );
      t.send('q');
      await t.waitFor((s) => /\[exit 0\]/.test(s), 10_000, 'exit 0');
    });
  }

  it("columns earn the width: a live run's progress, loss and GPUs at 200x50; name, age and state at 80x24 and 50x25", async () => {
    launch('cols-1', 'steps', '--gpus', '0,1');
    let t = open(200, 50);
    const wide = await t.waitFor(
      (s) => /cols-1\s+\S+\s+running\s+\d+% \d+\/1000\s+0\.\d+\s+0,1/.test(s),
      30_000,
      'progress, loss and GPUs of cols-1',
    );
    expect(wide).toMatch(/SESSION\s+AGE STATUS\s+PROGRESS\s+LOSS GPUS/);
    t.send('q');
    await t.waitFor((s) => /\[exit 0\]/.test(s), 10_000, 'exit 0');
    t.stop();
    for (const [columns, rows] of [
      [80, 24],
      [50, 25],
    ] as const) {
      t = open(columns, rows);
      if (columns < 60) t.send('3');
      const narrow = await t.waitFor((s) => /cols-1\s+\S+\s+running/.test(s), 20_000, `cols-1 at ${columns}x${rows}`);
      expect(narrow).toMatch(/SESSION\s+AGE STATUS/);
      expect(narrow).not.toMatch(/PROGRESS|\/1000/);
      t.send('q');
      await t.waitFor((s) => /\[exit 0\]/.test(s), 10_000, 'exit 0');
      t.stop();
    }
    term = null;
    // the same from a shell: stop, then clear the ended runs (the next tests start from an empty list)
    cli('stop', 'gpu-1', 'cols-1', '--yes');
    expect(cli('clear', 'gpu-1', '--yes')).toMatch(/cleared 1 ended session\(s\) on gpu-1/);
    expect((await hosts.host('gpu-1').run("tmux list-sessions -F '#{session_name}' 2>&1")).stdout).not.toContain(
      'cols-1',
    );
  });

  it('80x24: R on a crashed run offers a name that says which run it continues (train01-r1)', async () => {
    launch('train01', 'crash');
    const t = open(80, 24);
    await t.waitFor((s) => /train01\s+\S+\s+crashed exit 3/.test(s), 20_000, 'train01 crashed');
    // the Sessions pane and restart, in one chunk
    t.send('-l', '3R');
    await t.waitFor(
      (s) => /No checkpoint matches/.test(flat(s)) && /Start crash fresh/.test(flat(s)),
      20_000,
      'no checkpoint: start fresh?',
    );
    t.send('y');
    const named = await t.waitFor((s) => /Session name/.test(s), 15_000, 'session name question');
    expect(named).toMatch(/> train01-r1_/);
    t.send('Enter');
    await t.waitFor((s) => /GPUs for train01-r1/.test(s), 15_000, 'GPU picker');
    t.send('Enter');
    await t.waitFor((s) => joined(s).includes('launchedtrain01-r1ongpu-1'), 30_000, 'launched train01-r1');
    const m = JSON.parse((await hosts.host('gpu-1').run('cat ~/.trainyard/runs/train01-r1.json')).stdout);
    expect(m.parent).toBe('train01');
    t.send('q');
    await t.waitFor((s) => /\[exit 0\]/.test(s), 10_000, 'exit 0');
  });

  it('50x25: a sync under a live run names it and asks; no sends nothing; a cut delete question opens whole with Enter', async () => {
    launch('live-1');
    const h = hosts.host('gpu-1');
    await h.run(`touch ${REMOTE}/${LONG_NAME}`);
    const t = open(50, 25);
    await t.waitFor((s) => /gpu-1.*connected/.test(s), 20_000, 'connected');
    // s asks which project (the config has three)
    t.send('s');
    await t.waitFor((s) => /which project\?/.test(s), 20_000, 'project question');
    t.send('-l', 'kk\r'); // the picker starts on the last project used: up to the first (demo), Enter
    const asked = flat(await t.waitFor((s) => /Sync under a live run\?/.test(s), 20_000, 'live-run question'));
    expect(asked).toContain('live-1 is running from gpu-1:/home/tytest/demo');
    t.send('n');
    await t.waitFor((s) => joined(s).includes('nothingsent:live-1keepsthecodeitstartedwith'), 15_000, 'declined');
    expect((await h.run(`ls ${REMOTE}`)).stdout).not.toContain('train.py');

    // y and the delete question's cut line, keys in one chunk where a person would type them together
    t.send('s');
    await t.waitFor((s) => /which project\?/.test(s), 20_000, 'project question');
    t.send('-l', 'kk\r'); // the picker starts on the last project used: up to the first (demo), Enter
    await t.waitFor((s) => /Sync under a live run\?/.test(s), 20_000, 'asked again');
    t.send('y');
    const del = await t.waitFor((s) => /Delete on the server\?/.test(s), 30_000, 'delete question');
    expect(del).not.toContain('TAIL.txt');
    expect(del).toContain('Enter whole text');
    t.send('Enter');
    const whole = await t.waitFor((s) => /whole text\)/.test(s), 5_000, 'whole text');
    expect(flat(whole).replace(/ /g, '')).toContain(LONG_NAME);
    t.send('-l', '\rn');
    await t.waitFor((s) => joined(s).includes('synceddemotogpu-1'), 30_000, 'synced, the file kept');
    expect((await h.run(`ls ${REMOTE}`)).stdout).toContain(LONG_NAME);
    expect((await h.run(`ls ${REMOTE}`)).stdout).toContain('train.py');
    t.send('q');
    await t.waitFor((s) => /\[exit 0\]/.test(s), 10_000, 'exit 0');
  });
});
