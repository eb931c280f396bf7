import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';
import { TmuxTerminal } from './terminal.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`end-to-end tests cannot run in CI: ${can.reason}`);

/** An SGR sequence that sets a foreground or background colour (not bold, inverse or resets). */
const COLOUR = /\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|4[0-7]|10[0-7]|38;|48;)[0-9;]*m/;

const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');

/** The real CLI, built by `npm test`, in a real terminal of the given size. */
describe.skipIf(!can.ok)('the cockpit in a real terminal (tmux)', () => {
  let hosts: TestHosts;
  let config: string;
  let term: TmuxTerminal | null = null;

  beforeAll(async () => {
    hosts = await startTestHosts({ count: 2, gpu: [{ mode: 'load', count: 8 }, { mode: 'idle' }] });
    await hosts
      .host('gpu-1')
      .run(`tmux new-session -d -s train01 'sleep 900' \\; set-option -t train01 remain-on-exit on`);
    await hosts
      .host('gpu-1')
      .run(`tmux new-session -d -s train02 'sleep 0.3; exit 3' \\; set-option -t train02 remain-on-exit on`);
    config = path.join(hosts.dir, 'cockpit.json');
    writeFileSync(
      config,
      JSON.stringify({
        hosts: ['gpu-1', 'gpu-2'],
        sshConfig: hosts.sshConfigPath,
        keepalive: { intervalSeconds: 1, countMax: 2 },
      }),
    );
  });

  afterEach(() => {
    term?.stop();
    term = null;
  });

  afterAll(async () => hosts?.stop());

  function open(columns: number, rows: number, env: Record<string, string> = {}): TmuxTerminal {
    term = new TmuxTerminal(columns, rows);
    term.start(`node ${BIN} --config ${config}`, { PATH: process.env.PATH!, TERM: 'tmux-256color', ...env });
    return term;
  }

  function expectFits(t: TmuxTerminal, firstLine: RegExp) {
    const screen = t.screen();
    expect(screen.length).toBeLessThanOrEqual(t.rows);
    // a frame taller than the screen would have scrolled its first line away
    expect(screen[0]).toMatch(firstLine);
  }

  it('at laptop size shows every host, live GPU figures and sessions, and answers the keys', async () => {
    const t = open(200, 50);
    await t.waitFor(
      (s) => /gpu-1.*connected/.test(s) && /gpu-2.*connected/.test(s) && /train02/.test(s),
      20_000,
      'both hosts connected',
    );
    const text = await t.waitFor((s) => (s.match(/H100 80GB/g) ?? []).length >= 8, 10_000, '8 GPU rows');
    expect(text).toMatch(/7 H100 80GB\s+99%/);
    expect(text).toMatch(/train01.*running/);
    expect(text).toMatch(/train02.*(crashed|exit).*3/);
    expect(t.alternateOn()).toBe(true);
    expectFits(t, /trainyard/);
    // the bin restarted itself with a smaller young generation (the cockpit's RSS)
    const shell = t.tmux('list-panes', '-t', 'e2e', '-F', '#{pane_pid}').trim();
    expect(execFileSync('ps', ['-o', 'args=', '--ppid', shell], { encoding: 'utf8' })).toMatch(
      /node --max-semi-space-size=8 .*trainyard\.js --config/,
    );
    expect(t.tmux('capture-pane', '-p', '-e', '-t', 'e2e')).toMatch(COLOUR); // colours, unless NO_COLOR

    // a GPU that goes idle on the server shows up without a key press
    hosts.host('gpu-1').setGpu({ mode: 'load', count: 8, util: [99, 99, 99, 0, 99, 99, 99, 99] });
    await t.waitFor((s) => /3 H100 80GB\s+0%/.test(s), 10_000, 'GPU 3 at 0%');

    t.send('j');
    await t.waitFor((s) => /▸ gpu-2/.test(s) && /GPUs · gpu-2/.test(s), 5_000, 'gpu-2 selected');

    t.send('?');
    await t.waitFor(
      (s) => /trainyard keys/.test(s) && /reconnect the selected host now/.test(s),
      5_000,
      'help overlay',
    );
    t.send('Escape');
    await t.waitFor((s) => !/trainyard keys/.test(s), 5_000, 'help closed');

    t.send('q');
    await t.waitFor((s) => /\[exit 0\]/.test(s), 10_000, 'exit 0');
    expect(t.alternateOn()).toBe(false);
  });

  it('shows a cut host as reconnecting while the other keeps going, and recovers', async () => {
    const t = open(200, 50);
    await t.waitFor((s) => /gpu-2.*connected/.test(s), 20_000, 'gpu-2 connected');
    await hosts.host('gpu-2').linkDown();
    try {
      await t.waitFor((s) => /gpu-2.*reconnect/.test(s), 15_000, 'gpu-2 reconnecting');
      expect(t.text()).toMatch(/gpu-1.*connected/);
    } finally {
      await hosts.host('gpu-2').linkUp();
    }
    await t.waitFor((s) => /gpu-2.*● connected/.test(s), 40_000, 'gpu-2 back');
    t.send('C-c');
    await t.waitFor((s) => /\[exit 0\]/.test(s), 10_000, 'exit after Ctrl-C');
    expect(t.alternateOn()).toBe(false);
  });

  it('at phone size shows one pane at a time with a tab bar, within 50x25', async () => {
    const t = open(50, 25);
    await t.waitFor(
      (s) => /\[Hosts\]/.test(s) && /gpu-1.*connected/.test(s) && /gpu-2.*connected/.test(s),
      20_000,
      'hosts tab',
    );
    expectFits(t, /\[Hosts\]/);
    t.send('2');
    const gpus = await t.waitFor((s) => /\[GPUs\]/.test(s) && /H100/.test(s), 5_000, 'GPUs tab');
    expect(gpus).toMatch(/99%/);
    expectFits(t, /\[GPUs\]/);
    t.send('3');
    await t.waitFor((s) => /\[Sessions\]/.test(s) && /train01/.test(s), 5_000, 'Sessions tab');
    t.send('tab');
    await t.waitFor((s) => /\[Hosts\]/.test(s), 5_000, 'tab wraps to Hosts');
    t.send('?');
    const help = await t.waitFor((s) => /trainyard keys/.test(s), 5_000, 'help at phone size');
    expect(help.split('\n').length).toBeLessThanOrEqual(25);
    t.send('Escape');
    await t.waitFor((s) => /\[Hosts\]/.test(s), 5_000, 'help closed');
  });

  it('restores the terminal on SIGTERM', async () => {
    const t = open(50, 25);
    await t.waitFor((s) => /gpu-1.*connected/.test(s), 20_000, 'connected');
    const pid = t.tmux('list-panes', '-t', 'e2e', '-F', '#{pane_pid}').trim();
    // the pane runs `sh -c "...; node ..."`: signal the node process, the shell's child
    const { execFileSync } = await import('node:child_process');
    const node = execFileSync('pgrep', ['-P', pid, '-f', 'trainyard.js'], { encoding: 'utf8' }).trim().split('\n')[0];
    process.kill(Number(node), 'SIGTERM');
    await t.waitFor((s) => /\[exit 143\]/.test(s), 10_000, 'exit 143');
    expect(t.alternateOn()).toBe(false);
  });

  it('the sync key sends the project to the selected host and shows the verdict', async () => {
    const { cpSync, mkdtempSync } = await import('node:fs');
    const local = mkdtempSync(path.join(hosts.dir, 'proj-'));
    cpSync(path.join(import.meta.dirname, '..', 'sample-project'), local, { recursive: true });
    const withProject = path.join(hosts.dir, 'cockpit-project.json');
    writeFileSync(
      withProject,
      JSON.stringify({
        hosts: ['gpu-1', 'gpu-2'],
        sshConfig: hosts.sshConfigPath,
        projects: { demo: { local, remote: '/home/tytest/demo', train: 'python3 train.py' } },
      }),
    );
    term = new TmuxTerminal(200, 50);
    term.start(`node ${BIN} --config ${withProject}`, { PATH: process.env.PATH!, TERM: 'tmux-256color' });
    const t = term;
    await t.waitFor((s) => /gpu-1.*connected/.test(s), 20_000, 'connected');
    t.send('s');
    await t.waitFor(
      (s) => /Sync code · done/.test(s) && /synced demo to gpu-1:\/home\/tytest\/demo/.test(s),
      30_000,
      'sync verdict',
    );
    const listed = await hosts.host('gpu-1').run('ls /home/tytest/demo');
    expect(listed.stdout).toMatch(/train\.py/);
    t.send('q');
    await t.waitFor((s) => /\[exit 0\]/.test(s), 10_000, 'exit 0');
  });

  it('honours NO_COLOR: no colour escape codes reach the terminal', async () => {
    const t = open(200, 50, { NO_COLOR: '1' });
    await t.waitFor((s) => /gpu-1.*connected/.test(s) && /H100/.test(s), 20_000, 'connected');
    const withEscapes = t.tmux('capture-pane', '-p', '-e', '-t', 'e2e');
    expect(withEscapes).toMatch(/\x1b\[/); // styles (bold, inverse) are still there
    expect(withEscapes).not.toMatch(COLOUR);
    t.send('q');
    await t.waitFor((s) => /\[exit 0\]/.test(s), 10_000, 'exit 0');
  });
});
