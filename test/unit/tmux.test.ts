import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isEmptyTmuxServer, parseTmuxSessions, TMUX_SESSION_FORMAT } from '../../src/parsers/tmux.js';

// Real tmux output: a private tmux server (own TMUX_TMPDIR) with a running, a finished and a crashed session.
const dir = mkdtempSync(path.join(tmpdir(), 'ty-tmux-'));
const env = { ...process.env, TMUX_TMPDIR: dir, TMUX: '' };
const tmux = (...args: string[]) => execFileSync('tmux', args, { env, encoding: 'utf8' });
const tmuxResult = (...args: string[]) => {
  try {
    return { code: 0, out: tmux(...args) };
  } catch (e) {
    const err = e as { status: number; stderr: string };
    return { code: err.status, out: String(err.stderr) };
  }
};

/** tmux 3.3 may reap a dead pane late (see src/commands/probes.ts): let a child of its exit first, as the probe does. */
const listSessions = () => {
  tmux('run-shell', 'true');
  return tmux('list-sessions', '-F', TMUX_SESSION_FORMAT);
};

afterAll(() => {
  tmuxResult('kill-server');
  rmSync(dir, { recursive: true, force: true });
});

describe('tmux sessions from real tmux', () => {
  it('an absent server is an empty list, not an error', () => {
    const r = tmuxResult('list-sessions', '-F', TMUX_SESSION_FORMAT);
    expect(r.code).not.toBe(0);
    expect(isEmptyTmuxServer(r.out)).toBe(true);
  });

  it('reads running, finished and crashed sessions with their exit status', async () => {
    tmux('new-session', '-d', '-s', 'train01', 'sleep 30');
    tmux('new-session', '-d', '-s', 'done', 'true', ';', 'set-option', '-t', 'done', 'remain-on-exit', 'on');
    tmux(
      'new-session',
      '-d',
      '-s',
      'crash; rm -rf x',
      'sleep 0.3; exit 3',
      ';',
      'set-option',
      '-t',
      'crash; rm -rf x',
      'remain-on-exit',
      'on',
    );
    await new Promise((r) => setTimeout(r, 700));
    const sessions = parseTmuxSessions(listSessions());
    const by = Object.fromEntries(sessions.map((s) => [s.name, s]));
    expect(by.train01.running).toBe(true);
    expect(by.train01.exitStatus).toBeNull();
    expect(Math.abs(by.train01.createdAt - Date.now() / 1000)).toBeLessThan(30);
    expect(by.done.running).toBe(false);
    expect(by.done.exitStatus).toBe(0);
    expect(by['crash; rm -rf x'].running).toBe(false);
    expect(by['crash; rm -rf x'].exitStatus).toBe(3);
  });

  it('reports a signal death', async () => {
    tmux('new-session', '-d', '-s', 'killed', 'sleep 30', ';', 'set-option', '-t', 'killed', 'remain-on-exit', 'on');
    const pid = tmux('list-panes', '-t', 'killed', '-F', '#{pane_pid}').trim();
    process.kill(Number(pid), 'SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    const killed = parseTmuxSessions(listSessions()).find((s) => s.name === 'killed')!;
    expect(killed.running).toBe(false);
    expect(killed.exitSignal).toBe(15);
  });
});
