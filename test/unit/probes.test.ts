import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gpuStreamCommand, parseProbeOutput, sessionsProbeCommand } from '../../src/commands/probes.js';
import { commandLine } from '../../src/commands/value.js';
import { parseTmuxSessions } from '../../src/parsers/tmux.js';
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

  it("the probe reports a dead pane's .exit file and .stopped marker, a live one's manifest and log, from one look at a real tmux", async () => {
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
      for (const name of ['crashed1', 'stopped1', 'live1'])
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
      writeFileSync(path.join(home, '.trainyard', 'runs', 'stopped1.stopped'), '2026-01-01T00:00:00Z\n');
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
        execFileSync('sh', ['-c', commandLine(sessionsProbeCommand())], { encoding: 'utf8', env }),
      );
      expect(Object.fromEntries(sections.exits)).toEqual({ crashed1: 3 });
      // a live run is not "stopped" yet, whatever its marker says
      expect([...sections.stopped]).toEqual(['stopped1']);
      expect(sections.manifests).toEqual(['{"session":"live1"}']);
      expect(Object.fromEntries(sections.tails)).toEqual({ live1: 'step 7/10 loss 0.25\n' });
      // the exits, runs and tails sections share one list of the panes
      const calls = readFileSync(path.join(home, 'tmux-calls'), 'utf8').trim().split('\n');
      expect(calls.filter((c) => c.includes('#{pane_dead}:#{session_name}'))).toHaveLength(1);
    } finally {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
      rmSync(home, { recursive: true, force: true });
    }
  });
});
