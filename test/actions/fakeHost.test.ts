/** The fake host's probe output is what the real probe script prints (run here by bash, no server): the scripted tests rest on it. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseHostProbe } from '../../src/backends/tmux/tmuxBackend.js';
import { hostProbeCommand } from '../../src/backends/tmux/tmuxCommands.js';
import { probeOutput } from './fakeHost.js';

const home = mkdtempSync('/tmp/ty-fakehost-');
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('fake host', () => {
  it('parses to the same snapshot as the real probe script on a host with runs and no tmux server', () => {
    const runs = path.join(home, '.trainyard', 'runs');
    mkdirSync(runs, { recursive: true });
    mkdirSync(path.join(home, 'work', 'p'), { recursive: true });
    const m1 = { session: 'r1', project: 'p', host: 'h', remoteDir: `${home}/work/p`, command: 'python train.py' };
    const m2 = { session: 'r2', project: 'p', host: 'h', remoteDir: `${home}/work/p`, command: 'python train.py' };
    writeFileSync(path.join(runs, 'r1.json'), JSON.stringify(m1));
    writeFileSync(path.join(runs, 'r1.exit'), '1\n');
    writeFileSync(path.join(runs, 'r2.json'), JSON.stringify(m2));
    writeFileSync(path.join(runs, 'r2.exit'), '130\n');
    writeFileSync(path.join(runs, 'r2.stopped'), '2026-01-01T00:00:00Z\n');
    const tmuxDir = mkdtempSync(path.join(home, 'tmux-'));
    const [program, ...args] = hostProbeCommand('h', 'work/p').argv;
    const real = execFileSync(program, args, {
      encoding: 'utf8',
      env: { HOME: home, PATH: '/usr/bin:/bin', TMUX_TMPDIR: tmuxDir },
    });
    const fake = probeOutput({
      home,
      manifests: [
        { manifest: m1, exit: 1 },
        { manifest: m2, exit: 130, stopped: true },
      ],
    });
    const strip = (s: ReturnType<typeof parseHostProbe>) => ({ ...s, now: null });
    expect(strip(parseHostProbe(fake, 'work/p'))).toEqual(strip(parseHostProbe(real, 'work/p')));
    expect(parseHostProbe(real, 'work/p').runs.map((r) => [r.id, r.state, r.exitCode])).toEqual([
      ['r1', 'exited', 1],
      ['r2', 'stopped', 130],
    ]);
  });
});
