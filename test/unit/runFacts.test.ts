import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProbeOutput, sessionsProbeCommand } from '../../src/commands/probes.js';
import { commandLine } from '../../src/commands/value.js';
import { readRunFacts } from '../../src/hosts/runFacts.js';
import { waitFor } from '../support/waitFor.js';

const manifest = (session: string, log: string, gpus: string | null) =>
  JSON.stringify({ session, project: 'p', remoteDir: '/w/p', command: 'python t.py', log, gpus });
const defaultLog = (home: string, session: string) => `${home}/.trainyard/runs/${session}.log`;

describe("a live run's facts for the Sessions pane", () => {
  it('GPUs from the manifest, progress and the latest loss from the end of its log; unchanged facts keep their identity', () => {
    const lines = [
      manifest('r1', defaultLog('/h', 'r1'), '0,1'),
      manifest('r2', defaultLog('/h', 'r2'), null),
      manifest('r3', '/elsewhere/r3.log', '2'),
      'not json',
    ];
    const tails = new Map([
      ['r1', 'half a line\nstep 449/1000 loss 0.9\nstep 450/1000 loss 0.8312\n'],
      ['r2', 'cut\nEpoch 3/10\nstep 7/100 loss 2.5\n'],
      ['r3', 'cut\nstep 1/2 loss 9\n'],
    ]);
    const facts = readRunFacts(lines, tails);
    expect(facts.r1).toEqual({ gpus: '0,1', progress: '45% 450/1000', loss: '0.8312' });
    // the outer loop says more than the inner one
    expect(facts.r2).toEqual({ gpus: 'all', progress: '30% ep 3/10', loss: '2.5' });
    // a log elsewhere is not the default log's tail
    expect(facts.r3).toEqual({ gpus: '2', progress: '', loss: '' });
    expect(Object.keys(facts)).toEqual(['r1', 'r2', 'r3']);
    expect(readRunFacts(lines, tails, facts).r1).toBe(facts.r1);
  });

  it("the probe sends live sessions' manifests and the ends of their logs, and the stop markers of ended ones, from a real tmux and sh", async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'ty-facts-home-'));
    const env = { PATH: '/usr/bin:/bin', TMUX_TMPDIR: home, HOME: home };
    const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8', env });
    try {
      const runs = path.join(home, '.trainyard', 'runs');
      mkdirSync(runs, { recursive: true });
      // a log line that looks like a marker stays inside the base64
      writeFileSync(path.join(runs, 'live1.log'), '@@apps\nstep 5/10 loss 0.5\n');
      // as the launch writes it: one line, no newline at the end
      writeFileSync(path.join(runs, 'live1.json'), manifest('live1', defaultLog(home, 'live1'), '2'));
      writeFileSync(path.join(runs, 'ended1.json'), manifest('ended1', defaultLog(home, 'ended1'), '3'));
      writeFileSync(path.join(runs, 'ended1.log'), 'step 1/10 loss 1\n');
      writeFileSync(path.join(runs, 'ended1.stopped'), '2026-01-01T00:00:00Z\n');
      tmux('new-session', '-d', '-s', 'live1', 'sleep 30');
      tmux('new-session', '-d', '-s', 'ended1', 'sleep 0.2', ';', 'set-option', '-t', 'ended1', 'remain-on-exit', 'on');
      await waitFor(() => tmux('display-message', '-p', '-t', '=ended1:', '#{pane_dead}').trim(), {
        until: (d) => d === '1',
        what: 'ended1 dead',
      });
      const sections = parseProbeOutput(
        execFileSync('sh', ['-c', commandLine(sessionsProbeCommand())], { encoding: 'utf8', env }),
      );
      expect(sections.manifests).toEqual([manifest('live1', defaultLog(home, 'live1'), '2')]);
      expect([...sections.tails]).toEqual([['live1', '@@apps\nstep 5/10 loss 0.5\n']]);
      expect([...sections.stopped]).toEqual(['ended1']);
      expect(readRunFacts(sections.manifests, sections.tails)).toEqual({
        live1: { gpus: '2', progress: '50% 5/10', loss: '0.5' },
      });
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
