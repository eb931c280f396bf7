/**
 * An idle host costs no exec every few seconds: the Runs and watchdog polls look at a host when
 * its sessions stream says something changed (tmux sessions, the runs and queue folders, the
 * watchdog's events and lock), busy hosts on their interval, idle ones rarely. Real bash and tmux
 * against a temporary $HOME, with the real sessions stream feeding the store.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ShellCommand } from '../../src/commands/value.js';
import { SessionsWatch } from '../../src/hosts/sessionsWatch.js';
import { machineKey } from '../../src/runs/layout.js';
import { RunsPoller } from '../../src/runs/runsPoller.js';
import { createTrainyardStore } from '../../src/state/store.js';
import { LocalTransport } from '../../src/transport/local.js';
import type { ExecOptions } from '../../src/transport/types.js';
import { WatchdogPoller } from '../../src/watchdog/poller.js';
import { waitFor } from '../support/waitFor.js';
import { watchdogStatus } from '../support/watchdogStatus.js';

let home: string;
let env: NodeJS.ProcessEnv;
const stops: (() => void)[] = [];
const me = machineKey(hostname());

beforeEach(() => {
  home = mkdtempSync('/tmp/ty-idlepolls-');
  env = { ...process.env, HOME: home, TMUX_TMPDIR: home, TMUX: '' };
});

afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  try {
    execFileSync('tmux', ['kill-server'], { env, stdio: 'ignore' });
  } catch {}
  // a poll that was already running when it was stopped may still make a folder there
  rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
});

function write(rel: string, text: string): void {
  const file = path.join(home, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

const manifest = (session: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    session,
    project: 'sample',
    host: 'h',
    remoteDir: `${home}/work`,
    log: `${home}/${session}.log`,
    command: 'python3 train.py',
    gpus: '0',
    startedAt: new Date().toISOString(),
    ...extra,
  });

/** The host as the cockpit sees it: a local shell counting the execs of each script. */
function host() {
  const transport = new LocalTransport(env);
  const execs: string[] = [];
  const exec = transport.exec.bind(transport);
  transport.exec = (command: ShellCommand, options?: ExecOptions) => {
    execs.push(command.argv[3] ?? command.argv[0]);
    return exec(command, options);
  };
  const store = createTrainyardStore([{ alias: 'h' }]);
  const watch = new SessionsWatch(transport, store, 'h', 0.1, () => {});
  watch.start();
  stops.push(() => watch.stop());
  return { transport, store, count: (name: string) => execs.filter((e) => e === name).length };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the Runs poll', () => {
  it('looks at an idle host only when its sessions or run marks change, at a busy one every interval', async () => {
    const { transport, store, count } = host();
    const runs = new RunsPoller({
      config: { projects: {} },
      hosts: store,
      transportFor: () => transport,
      intervalMs: 100,
      idleIntervalMs: 60_000,
    });
    runs.start();
    stops.push(() => runs.stop());
    const looks = () => count('trainyard-runs');
    await waitFor(() => store.getState().hosts.h.marks, { until: (m) => m !== null, timeoutMs: 10_000, what: 'marks' });
    await pause(1200); // the look that the first frame asked for is done
    expect(looks()).toBeGreaterThanOrEqual(1);
    const idle = looks();
    await pause(1000); // ten intervals of an idle host
    expect(looks()).toBe(idle);

    // a queue entry from another cockpit: no tmux session changes, the queue folder's mark does
    write(`.trainyard/queue/${me}/1765000000000-q1/manifest.json`, `${manifest('q1', { gpus: null, by: 'queue' })}\n`);
    const queued = await waitFor(() => runs.store.getState().rows, {
      until: (rows) => rows.some((r) => r.id === 'q1' && r.state === 'queued'),
      timeoutMs: 10_000,
      what: 'the queued run in the rows',
    });
    expect(queued).toHaveLength(1);
    // a queued run makes the host busy: looked at on every interval
    const atQueued = looks();
    await pause(1000);
    expect(looks()).toBeGreaterThanOrEqual(atQueued + 4);

    // the entry leaves the queue and nothing runs: idle again
    rmSync(path.join(home, '.trainyard/queue', me), { recursive: true });
    await waitFor(() => runs.store.getState().rows, {
      until: (r) => r.length === 0,
      timeoutMs: 10_000,
      what: 'no rows',
    });
    await pause(1000); // the look the mark's change asked for (it came after the busy one)
    const idleAgain = looks();
    await pause(1000);
    expect(looks()).toBe(idleAgain);

    // a run starts (a manifest and its tmux session): looked at soon, then on every interval
    write('.trainyard/runs/r1.json', `${manifest('r1')}\n`);
    execFileSync('tmux', ['new-session', '-d', '-s', 'r1', 'sleep 60'], { env, stdio: 'ignore' });
    await waitFor(() => runs.store.getState().rows, {
      until: (rows) => rows.some((r) => r.id === 'r1' && r.state === 'running'),
      timeoutMs: 10_000,
      what: 'the running run',
    });
    const atRunning = looks();
    await pause(1000);
    expect(looks()).toBeGreaterThanOrEqual(atRunning + 4);
  });

  it('keeps the sessions list as it was while only a live log moves (no look for that)', async () => {
    const { store } = host();
    write('.trainyard/runs/r2.json', `${manifest('r2', { log: `${home}/.trainyard/runs/r2.log` })}\n`);
    execFileSync(
      'tmux',
      [
        'new-session',
        '-d',
        '-s',
        'r2',
        `i=0; while :; do i=$((i + 1)); echo "step $i/100000 loss 0.$i"; sleep 0.05; done >> ${home}/.trainyard/runs/r2.log`,
      ],
      {
        env,
        stdio: 'ignore',
      },
    );
    const first = await waitFor(() => store.getState().hosts.h, {
      until: (h) => h.sessions.some((s) => s.name === 'r2'),
      timeoutMs: 10_000,
      what: 'the session',
    });
    await pause(600); // several frames: the progress in the log's end changed in each
    const later = store.getState().hosts.h;
    expect(later.sessionsUpdatedAt).toBeGreaterThan(first.sessionsUpdatedAt!);
    expect(later.sessions).toBe(first.sessions);
    expect(later.marks).toBe(first.marks);
  });
});

describe('the watchdog poll', () => {
  it('asks a host with change marks only when its events or lock change, one without every interval', async () => {
    const { transport, store } = host();
    const asked: string[] = [];
    const poller = (alias: string, changeMark?: (a: string) => string | null) =>
      new WatchdogPoller({
        aliases: [alias],
        transportFor: () => transport,
        changeMark,
        intervalMs: 100,
        idleIntervalMs: 60_000,
        seenFile: path.join(home, 'seen.json'),
        bell: () => {},
        statusFor: vi.fn(async (_t, a: string) => {
          asked.push(a);
          return watchdogStatus();
        }),
      });
    const marked = poller('h', (a) => store.getState().hosts[a]?.marks?.watchdog ?? null);
    const unmarked = poller('other');
    for (const p of [marked, unmarked]) {
      p.start();
      stops.push(() => p.stop());
    }
    const times = (a: string) => asked.filter((x) => x === a).length;
    await waitFor(() => store.getState().hosts.h.marks, { until: (m) => m !== null, timeoutMs: 10_000, what: 'marks' });
    await waitFor(() => times('h'), { until: (n) => n >= 1, timeoutMs: 10_000, what: 'the first ask' });
    await pause(300);
    const before = times('h');
    const otherBefore = times('other');
    await pause(1000);
    expect(times('h')).toBe(before);
    expect(times('other')).toBeGreaterThanOrEqual(otherBefore + 4);

    // the watchdog appends an event: the mark changes, the host is asked once
    write(`.trainyard/watchdog/${me}/events.jsonl`, '{"kind":"crashed"}\n');
    await waitFor(() => times('h'), {
      until: (n) => n === before + 1,
      timeoutMs: 10_000,
      what: 'an ask after the event',
    });
    await pause(600);
    expect(times('h')).toBe(before + 1);

    // while its watchdog is on screen the host is asked every interval, marks or not
    marked.focus('h');
    await pause(1000);
    expect(times('h')).toBeGreaterThanOrEqual(before + 5);
    marked.focus(null);
    await pause(300);
    const unfocused = times('h');
    await pause(1000);
    expect(times('h')).toBe(unfocused);
  });
});
