import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = path.join(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');
const dir = mkdtempSync(path.join(tmpdir(), 'ty-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bin/trainyard.js run as a program (as npm links it)', () => {
  it('starts node once, with the small young generation (unless NODE_OPTIONS sets one) and every argument exactly as given', () => {
    // a `node` first on PATH that notes each start's arguments, one per line
    const calls = path.join(dir, 'calls');
    writeFileSync(path.join(dir, 'node'), `#!/bin/sh\nprintf '%s\\n' "--start--" "$@" >> '${calls}'\n`, {
      mode: 0o755,
    });
    const args = ['--config', 'my config.json', '$(touch pwned)', "it's", '*'];
    const start = (nodeOptions: string) => {
      rmSync(calls, { force: true });
      execFileSync(bin, args, {
        cwd: dir,
        env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, NODE_OPTIONS: nodeOptions },
      });
      return readFileSync(calls, 'utf8').split('\n').slice(0, -1);
    };
    expect(start('')).toEqual(['--start--', '--max-semi-space-size=8', bin, ...args]);
    // the user's own young generation wins
    expect(start('--max-semi-space-size=32')).toEqual(['--start--', bin, ...args]);
  });
});
