import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ShellCommand } from '../../src/commands/value.js';
import { SessionsWatch } from '../../src/hosts/sessionsWatch.js';
import { createTrainyardStore } from '../../src/state/store.js';
import { LocalTransport } from '../../src/transport/local.js';
import { ScriptedTransport } from '../support/scriptedTransport.js';
import { tempDir } from '../support/tempDir.js';
import { waitFor } from '../support/waitFor.js';

const now = () => Math.round(Date.now() / 1000);
const SLURM_TOOLS = ['sbatch', 'scontrol', 'squeue', 'sacct', 'scancel', 'sinfo', 'srun'];
const session = (name: string, dead = '0:::') => `${now() - 60}:0:1:${dead}:${name}`;

/** One frame as the server prints it, ended with the stream's end line. */
function frame(end: string, tmuxLines: string[], apps: string[] = []): string[] {
  return [
    `@@now ${now()}`,
    '@@tmux',
    ...tmuxLines,
    '@@/tmux 0',
    '@@exits',
    '@@/exits 0',
    '@@apps',
    ...apps,
    '@@/apps 0',
    end,
  ];
}

/** The sessions stream the test feeds by hand, and the command it was started with. */
function liveSessionsStream(t: ScriptedTransport) {
  let command: ShellCommand | null = null;
  const feed = t.expectStream(
    (c) => {
      command = c;
      return c.purpose === 'sessions stream';
    },
    { live: true },
  );
  return { feed, command: () => command };
}

describe('SessionsWatch (one sessions stream per host)', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  function watch(transport: ScriptedTransport | LocalTransport, intervalSeconds = 0.05) {
    const store = createTrainyardStore([{ alias: 'h' }]);
    let answers = 0;
    const w = new SessionsWatch(transport, store, 'h', intervalSeconds, () => answers++);
    cleanups.push(() => w.stop());
    return { store, w, answers: () => answers };
  }

  it('writes each frame to the store; a line that only looks like the end does not end a frame', async () => {
    const t = new ScriptedTransport();
    const { feed, command } = liveSessionsStream(t);
    const { store, w, answers } = watch(t);
    w.start();
    await feed.opened;
    const end = command()!.argv[4]!;
    expect(end).toMatch(/^@@probe-end [0-9a-f]{12}$/);
    for (const l of frame(end, [session('train01'), '@@probe-end', session('eval02', '1:3::')])) feed.line(l);
    const h = store.getState().hosts.h;
    expect(h.sessions.map((s) => [s.name, s.running, s.exitStatus])).toEqual([
      ['train01', true, null],
      ['eval02', false, 3],
    ]);
    expect(answers()).toBe(1);
    // the next frame replaces the list
    for (const l of frame(end, [])) feed.line(l);
    expect(store.getState().hosts.h.sessions).toEqual([]);
    expect(answers()).toBe(2);
    feed.end({ code: null, signal: 'disconnected' });
    t.verify();
  });

  it('starts the stream again one interval after it ended, but not after the connection went', async () => {
    const t = new ScriptedTransport();
    t.expectStream('sh', { result: { code: 2 } });
    const second = t.expectStream('sh', { live: true });
    const { w, answers } = watch(t);
    w.start();
    await second.opened; // after ~50 ms
    expect(answers()).toBe(1); // the end counts as an answer: the host is not waited for
    second.end({ code: null, signal: 'disconnected' });
    await new Promise((r) => setTimeout(r, 200));
    t.verify(); // no third stream
  });

  it('on a real shell and tmux, prints one frame while nothing changes and the next when a session starts', async () => {
    const tmuxDir = mkdtempSync(path.join(os.tmpdir(), 'ty-sessions-'));
    const env = { ...process.env, TMUX_TMPDIR: tmuxDir, TMUX: '' };
    const tmux = (...args: string[]) => execFileSync('tmux', args, { env, stdio: 'ignore' });
    cleanups.push(() => {
      try {
        tmux('kill-server');
      } catch {}
      rmSync(tmuxDir, { recursive: true, force: true });
    });
    const { store, w, answers } = watch(new LocalTransport(env), 0.1);
    w.start();
    await waitFor(() => answers(), { until: (n) => n >= 1, timeoutMs: 10_000, what: 'the first frame' });
    await new Promise((r) => setTimeout(r, 1000)); // ten intervals, nothing changes
    expect(answers()).toBe(1);
    tmux('new-session', '-d', '-s', 'quiet-check', 'sleep 60');
    await waitFor(() => store.getState().hosts.h.sessions, {
      until: (s) => s.some((x) => x.name === 'quiet-check'),
      timeoutMs: 10_000,
      what: 'the new session',
    });
    expect(answers()).toBe(2);
  });

  it('a stream that ended before the Slurm answer asks again when started again; one that answered does not', async () => {
    const t = new ScriptedTransport();
    const first = liveSessionsStream(t);
    const second = liveSessionsStream(t);
    const third = liveSessionsStream(t);
    const { w } = watch(t);
    const heard: string[] = [];
    w.start((output) => heard.push(output));
    await first.feed.opened;
    first.feed.end({ code: 1 }); // before any frame: the server's shell died
    await second.feed.opened;
    expect(second.command()!.argv.at(-1)).toBe('1');
    const end = second.command()!.argv[4]!;
    for (const l of [...frame(end, []), '@@scheduler slurm', end]) second.feed.line(l);
    expect(heard).toEqual(['slurm']);
    second.feed.end({ code: 1 });
    await third.feed.opened;
    expect(third.command()!.argv.at(-1)).toBe('0');
    third.feed.end({ code: null, signal: 'disconnected' });
  });

  it('asks whether the host is a Slurm login node only when told to, and that answer is no sessions frame', async () => {
    const t = new ScriptedTransport();
    const { feed, command: asked } = liveSessionsStream(t);
    const { store, w, answers } = watch(t);
    const heard: string[] = [];
    w.start((output) => heard.push(output));
    await feed.opened;
    const end = asked()!.argv[4]!;
    expect(asked()!.argv.at(-1)).toBe('1');
    for (const l of frame(end, [session('train01')])) feed.line(l);
    for (const l of ['@@scheduler no-sbatch', end]) feed.line(l);
    expect(heard).toEqual(['no-sbatch']);
    expect(answers()).toBe(1);
    expect(store.getState().hosts.h.sessions.map((s) => s.name)).toEqual(['train01']);
    // a frame with more than the answer is a sessions frame, whatever else it holds
    for (const l of ['@@scheduler slurm', ...frame(end, [])]) feed.line(l);
    expect(heard).toEqual(['no-sbatch']);
    expect(store.getState().hosts.h.sessions).toEqual([]);
    feed.end({ code: null, signal: 'disconnected' });

    const plain = new ScriptedTransport();
    const { feed: second, command: notAsked } = liveSessionsStream(plain);
    const other = watch(plain);
    other.w.start();
    await second.opened;
    expect(notAsked()!.argv.at(-1)).toBe('0');
    second.end({ code: null, signal: 'disconnected' });
  });

  it.each([
    { what: 'no sbatch: no-sbatch', tools: {}, answer: 'no-sbatch' },
    {
      what: 'sbatch, the controller down: no-controller',
      tools: { sbatch: '', scontrol: 'echo "Slurmctld(primary) at ctl is DOWN"' },
      answer: 'no-controller',
    },
    {
      what: 'sbatch, the controller up: slurm',
      tools: { sbatch: '', scontrol: 'echo "Slurmctld(primary) at ctl is UP"' },
      answer: 'slurm',
    },
    {
      // the real timeout, given a shorter limit than the 10 s it is asked for
      what: 'sbatch, a controller that never answers: no-controller, in the time timeout allows',
      tools: { sbatch: '', scontrol: 'sleep 30', timeout: '[ "$1" = 10 ] && shift && exec /usr/bin/timeout 0.5 "$@"' },
      answer: 'no-controller',
    },
  ])('on a real shell, $what, once, after the first sessions frame', async ({ tools, answer }) => {
    const dir = tempDir('ty-detect-');
    // this machine's own tools, but none of its Slurm commands: only the fakes below
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    for (const from of ['/usr/bin', '/bin'])
      for (const name of readdirSync(from))
        if (!SLURM_TOOLS.includes(name) && !(name in tools))
          try {
            symlinkSync(path.join(from, name), path.join(bin, name));
          } catch {
            // already linked from /usr/bin
          }
    for (const [name, body] of Object.entries(tools)) {
      writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(path.join(bin, name), 0o755);
    }
    const env = { ...process.env, PATH: bin, TMUX_TMPDIR: dir, TMUX: '' };
    const { w, answers } = watch(new LocalTransport(env), 0.1);
    const heard: { output: string; framesBefore: number }[] = [];
    w.start((output) => heard.push({ output, framesBefore: answers() }));
    await waitFor(() => heard, { until: (h) => h.length > 0, timeoutMs: 10_000, what: 'the answer' });
    await new Promise((r) => setTimeout(r, 300)); // three more intervals: asked once only
    expect(heard).toEqual([{ output: answer, framesBefore: 1 }]);
  });
});
