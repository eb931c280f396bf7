import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gpuStreamCommand, parseProbeOutput, sessionsProbeCommand } from '../../src/commands/probes.js';
import { commandLine } from '../../src/commands/value.js';
import { parseTmuxSessions, TMUX_SESSION_FORMAT } from '../../src/parsers/tmux.js';
import { tempDir } from '../support/tempDir.js';
import { waitFor } from '../support/waitFor.js';

describe('probe commands', () => {
  it('asks nvidia-smi for the streaming CSV form', () => {
    expect(commandLine(gpuStreamCommand(1000))).toBe(
      'nvidia-smi --query-gpu=index,uuid,name,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw --format=csv,noheader,nounits -lms 1000',
    );
  });

  it('the batched probe runs in a real sh and each section keeps its exit code', () => {
    const tmuxDir = tempDir('ty-probe-');
    const out = execFileSync('sh', ['-c', commandLine(sessionsProbeCommand())], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', TMUX_TMPDIR: tmuxDir },
    });
    const sections = parseProbeOutput(out);
    expect(Math.abs(sections.now! - Date.now() / 1000)).toBeLessThan(5);
    expect(sections.tmux.code).toBe(1); // no server running: empty list
    expect(sections.tmux.text).toMatch(/no server running|error connecting/);
    expect(sections.apps.code).toBe(127); // no nvidia-smi on this machine
    expect(parseTmuxSessions(sections.tmux.text)).toEqual([]);
  });

  it('reads exit codes that run scripts left in .exit files, and which runs the user stopped', () => {
    const sections = parseProbeOutput(
      '@@now 5\n@@tmux\n@@/tmux 1\n@@exits\n3:0:mnist-a1b2\n0:0:odd:name\n:1:halted\n130:1:both\n@@/exits 0\n@@apps\n@@/apps 127\n',
    );
    expect(sections.exits.get('mnist-a1b2')).toBe(3);
    expect(sections.exits.get('odd:name')).toBe(0);
    expect(sections.exits.has('halted')).toBe(false);
    expect(sections.exits.get('both')).toBe(130);
    expect([...sections.stopped].sort()).toEqual(['both', 'halted']);
  });

  // the probe runs under the server's sh: dash (Debian), bash (RHEL), busybox ash (Alpine)
  const shells: [string, string[]][] = [
    ['dash', ['dash', '-c']],
    ['bash', ['bash', '-c']],
    ['busybox sh', ['busybox', 'sh', '-c']],
  ];
  it.each(shells)(
    "the probe reports a dead pane's .exit file and .stopped marker, a live one's manifest and log, from one look at a real tmux (%s)",
    async (_name, shell) => {
      const home = mkdtempSync(path.join(tmpdir(), 'ty-probe-home-'));
      // a tmux that notes each call, so the test sees how often the probe lists the panes
      const bin = path.join(home, 'bin');
      mkdirSync(bin);
      writeFileSync(
        path.join(bin, 'tmux'),
        `#!/bin/sh\nprintf '%s\\n' "$*" >> "$HOME/tmux-calls"\nexec /usr/bin/tmux "$@"\n`,
        {
          mode: 0o755,
        },
      );
      const env = { PATH: `${bin}:/usr/bin:/bin`, TMUX_TMPDIR: home, HOME: home };
      const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8', env });
      try {
        mkdirSync(path.join(home, '.trainyard', 'runs'), { recursive: true });
        for (const name of ['crashed1', 'stopped 1', 'live1'])
          tmux(
            'new-session',
            '-d',
            '-s',
            name,
            name === 'live1' ? 'sleep 30' : 'sleep 0.2; exit 3',
            ';',
            'set-option',
            '-t',
            name,
            'remain-on-exit',
            'on',
          );
        writeFileSync(path.join(home, '.trainyard', 'runs', 'crashed1.exit'), '3\n');
        writeFileSync(path.join(home, '.trainyard', 'runs', 'stopped 1.stopped'), '2026-01-01T00:00:00Z\n');
        writeFileSync(path.join(home, '.trainyard', 'runs', 'live1.stopped'), '2026-01-01T00:00:00Z\n');
        writeFileSync(path.join(home, '.trainyard', 'runs', 'live1.json'), '{"session":"live1"}\n');
        writeFileSync(path.join(home, '.trainyard', 'runs', 'live1.log'), 'step 7/10 loss 0.25\n');
        await waitFor(
          () =>
            tmux('list-sessions', '-F', '#{pane_dead}')
              .split('\n')
              .filter((l) => l === '1').length,
          {
            until: (n) => n === 2,
            what: 'two dead panes',
          },
        );
        rmSync(path.join(home, 'tmux-calls'), { force: true });
        const sections = parseProbeOutput(
          execFileSync(shell[0], [...shell.slice(1), commandLine(sessionsProbeCommand())], { encoding: 'utf8', env }),
        );
        expect(Object.fromEntries(sections.exits)).toEqual({ crashed1: 3 });
        // a live run is not "stopped" yet, whatever its marker says
        expect([...sections.stopped]).toEqual(['stopped 1']);
        expect(sections.manifests).toEqual(['{"session":"live1"}']);
        expect(Object.fromEntries(sections.tails)).toEqual({ live1: 'step 7/10 loss 0.25\n' });
        // the exits, runs and tails sections read the tmux section's list: tmux is asked once (twice
        // only when tmux 3.3 had not reaped a dead pane, after making it with a run-shell)
        const calls = readFileSync(path.join(home, 'tmux-calls'), 'utf8').trim().split('\n');
        const reaped = calls.includes('run-shell true') ? 1 : 0;
        expect(calls).toEqual([
          `list-sessions -F ${TMUX_SESSION_FORMAT}`,
          ...(reaped ? ['run-shell true', `list-sessions -F ${TMUX_SESSION_FORMAT}`] : []),
        ]);
      } finally {
        try {
          tmux('kill-server');
        } catch {
          // already gone
        }
        rmSync(home, { recursive: true, force: true });
      }
    },
  );
});
