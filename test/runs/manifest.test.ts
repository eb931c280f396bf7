import { describe, expect, it } from 'vitest';
import { parseHostProbe } from '../../src/backends/tmux/tmuxBackend.js';
import { parseRunManifest } from '../../src/runs/manifest.js';

const full = {
  session: 'r1',
  project: 'p',
  host: 'gpu-a',
  remoteDir: '/w/p',
  log: '/w/p/r1.log',
  command: 'python t.py',
  startedAt: 'T',
  configHash: 'h',
};

describe('server manifests are checked before use', () => {
  it('fills in a missing log with the default next to the manifest', () => {
    const { log: _drop, ...noLog } = full;
    const r = parseRunManifest(JSON.stringify(noLog), '/home/u');
    expect(r.problem).toBeNull();
    expect(r.manifest).toMatchObject({
      session: 'r1',
      log: '/home/u/.trainyard/runs/r1.log',
      resume: null,
      restartCount: 0,
      autoRestart: { enabled: false, max: 3, backoffSeconds: 60 },
    });
  });

  it('refuses what no run can do without, and wrong types', () => {
    expect(parseRunManifest('{"session": "r1"', '/h').problem).toMatch(/not JSON/);
    expect(parseRunManifest('[1]', '/h').problem).toMatch(/object/);
    expect(parseRunManifest(JSON.stringify({ ...full, session: 5 }), '/h').problem).toMatch(/session/);
    expect(parseRunManifest(JSON.stringify({ ...full, remoteDir: 'rel' }), '/h').problem).toMatch(/remoteDir/);
    expect(parseRunManifest(JSON.stringify({ ...full, command: null }), '/h').problem).toMatch(/command/);
    const odd = parseRunManifest(
      JSON.stringify({ ...full, restartCount: 'x', git: 'no', autoRestart: { enabled: 'yes', max: -1 } }),
      '/h',
    );
    expect(odd.manifest).toMatchObject({
      restartCount: 0,
      git: { commit: null, dirty: false, diffHash: null },
      autoRestart: { enabled: false, max: 3 },
    });
  });

  it('the host probe lists a manifest without log, and skips broken ones without throwing', () => {
    const { log: _drop, ...noLog } = full;
    const out = [
      '@@home /home/u',
      '@@direxists 1',
      '@@now 5',
      '@@tmux',
      '@@/tmux 0',
      '@@manifest exit=0',
      JSON.stringify(noLog),
      '@@manifest',
      '{"session":',
      '@@manifest',
      JSON.stringify({ session: 'x' }),
      '@@end',
    ].join('\n');
    const snap = parseHostProbe(out, '/w/p');
    expect(snap.runs.map((r) => [r.manifest.session, r.manifest.log, r.state])).toEqual([
      ['r1', '/home/u/.trainyard/runs/r1.log', 'exited'],
    ]);
  });
});
