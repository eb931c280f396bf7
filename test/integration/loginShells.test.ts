import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteChecksCommand } from '../../src/cli/doctor.js';
import { gpuStreamCommand, parseProbeOutput, sessionsProbeCommand } from '../../src/commands/probes.js';
import { parseSections } from '../../src/commands/sectioned.js';
import { argvCommand, shScript } from '../../src/commands/value.js';
import { parseGpuLine } from '../../src/parsers/nvidiaSmi.js';
import type { SshConnection } from '../../src/ssh/connection.js';
import { connect, labConfig } from '../actions/helpers.js';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';
import { waitFor } from '../support/waitFor.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`integration tests cannot run in CI: ${can.reason}`);

/** Login shells that read a command line differently; each test user logs in with one. */
const SHELLS = ['/bin/bash', '/usr/bin/dash', '/usr/bin/zsh', '/usr/bin/fish', '/usr/bin/tcsh'];
const missing = SHELLS.filter((s) => !existsSync(s));
if (missing.length && process.env.CI)
  throw new Error(`login shell matrix needs ${missing.join(', ')} (.ci/run installs them)`);

/** Arguments each shell would otherwise take apart: quotes, backslashes, substitutions, history, globs, newlines. */
const HOSTILE = [
  `it's`,
  `"double"`,
  'back\\slash',
  'two\\\\backslashes',
  'trailing\\',
  `\\'`,
  '$(touch PWNED-subst)',
  '`touch PWNED-backtick`',
  '$HOME ${HOME} $USER',
  'line one\nline two\n',
  '!!',
  '!$ !-1 a!b',
  '~ ~root',
  '* ? [a-z] {a,b}',
  '%self ; & | > < #',
  'tab\there',
  'ünïcødé ✓',
  '',
  ' leading and trailing ',
];

describe.skipIf(!can.ok || missing.length > 0).each(SHELLS)(
  'every command means the same under the login shell %s',
  (shell) => {
    let lab: TestHosts;
    let conn: SshConnection;

    beforeAll(async () => {
      const name = shell.split('/').pop()!;
      lab = await startTestHosts({ count: 1, user: `ty${name}`, shell });
      conn = await connect(labConfig(lab, {}), lab.hosts[0].alias);
    }, 60_000);

    afterAll(async () => {
      conn?.close();
      await lab?.stop();
    });

    it('the server really logs in with that shell', async () => {
      const r = await conn.exec(shScript('getent passwd "$(id -un)" | cut -d: -f7'));
      expect(r.stdout.trim()).toBe(shell);
    });

    it('runs the real probes: sessions, GPU stream, doctor checks', async () => {
      await lab.hosts[0].run(`tmux new-session -d -s probe-me 'sleep 60'; mkdir -p "$HOME/.trainyard/runs"`);
      const probe = parseProbeOutput((await conn.exec(sessionsProbeCommand(), { timeoutMs: 15_000 })).stdout);
      expect(Math.abs(probe.now! - Date.now() / 1000)).toBeLessThan(30);
      // the runs folder's change mark (its time and size): what tells the Runs poll to look
      expect(probe.marks.runs).toMatch(/^\d+(\.\d+)?:\d+$/);
      expect(probe.tmux.code).toBe(0);
      expect(probe.tmux.text).toContain('probe-me');
      expect(probe.apps.code).toBe(0);

      const lines: string[] = [];
      const handle = conn.stream(gpuStreamCommand(200), { onLine: (l) => lines.push(l) });
      await waitFor(() => lines.length >= 3, 10_000, 'three GPU lines');
      handle.cancel();
      await handle.done;
      expect(lines.length).toBeGreaterThanOrEqual(3);
      expect(parseGpuLine(lines[0])).toMatchObject({ index: 0 });

      const doctor = parseSections((await conn.exec(remoteChecksCommand(), { timeoutMs: 15_000 })).stdout);
      for (const check of ['nvidia-smi', 'tmux', 'rsync', 'disk']) expect(doctor.first(check)?.exit, check).toBe(0);
    });

    it('hands hostile arguments to the program as data, each exactly one argument', async () => {
      const r = await conn.exec(argvCommand(['printf', '[%s]\\n', ...HOSTILE]), { timeoutMs: 15_000 });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(HOSTILE.map((a) => `[${a}]\n`).join(''));
      const pwned = await conn.exec(shScript('ls -a ~ /tmp | grep -c PWNED || true'));
      expect(pwned.stdout.trim()).toBe('0');
    });

    it('streams a command with hostile arguments line by line', async () => {
      const lines: string[] = [];
      const handle = conn.stream(
        shScript(
          'for a in "$@"; do printf "<%s>\\n" "$a"; done',
          HOSTILE.filter((a) => !a.includes('\n')),
        ),
        { onLine: (l) => lines.push(l) },
      );
      const result = await handle.done;
      expect(result.code).toBe(0);
      expect(lines).toEqual(HOSTILE.filter((a) => !a.includes('\n')).map((a) => `<${a}>`));
    });

    it('passes stdin data through untouched', async () => {
      const data = HOSTILE.join('\n') + '\n' + 'x'.repeat(200_000) + '\n';
      const r = await conn.exec(argvCommand(['cat']), { stdin: data, timeoutMs: 15_000 });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(data);
    });
  },
);
