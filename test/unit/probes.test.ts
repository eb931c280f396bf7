import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gpuStreamCommand, parseProbeOutput, sessionsProbeCommand } from '../../src/commands/probes.js';
import { commandLine } from '../../src/commands/value.js';
import { parseTmuxSessions } from '../../src/parsers/tmux.js';

describe('probe commands', () => {
  it('asks nvidia-smi for the streaming CSV form', () => {
    expect(commandLine(gpuStreamCommand(1000))).toBe(
      'nvidia-smi --query-gpu=index,uuid,name,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw --format=csv,noheader,nounits -lms 1000',
    );
  });

  it('the batched probe runs in a real sh and each section keeps its exit code', () => {
    const tmuxDir = mkdtempSync(path.join(tmpdir(), 'ty-probe-'));
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

  it('reads exit codes that run scripts left in .exit files', () => {
    const sections = parseProbeOutput(
      '@@now 5\n@@tmux\n@@/tmux 1\n@@exits\n3:mnist-a1b2\n0:odd:name\n@@/exits 0\n@@apps\n@@/apps 127\n',
    );
    expect(sections.exits.get('mnist-a1b2')).toBe(3);
    expect(sections.exits.get('odd:name')).toBe(0);
  });
});
