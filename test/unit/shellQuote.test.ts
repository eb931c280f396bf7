import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dieWithChannel, loginShellLine, shJoin, shQuote } from '../../src/shell/quote.js';
import { waitFor } from '../support/waitFor.js';

const hostile = [
  "it's",
  'a b',
  '$(touch /tmp/ty-pwned)',
  '`touch /tmp/ty-pwned`',
  'x; touch /tmp/ty-pwned',
  'line1\nline2',
  '',
  '"dq"',
  '\\back',
  '*',
  '-n',
];

describe('shQuote', () => {
  it.each(hostile)('a real sh gets %j back unchanged', (value) => {
    const echoed = execFileSync('sh', ['-c', `printf '%s' ${shQuote(value)}`], { encoding: 'utf8' });
    expect(echoed).toBe(value);
  });

  it('joins argv so that each element stays one argument', () => {
    const out = execFileSync('sh', ['-c', `for a in ${shJoin(hostile)}; do printf '[%s]' "$a"; done`], {
      encoding: 'utf8',
    });
    expect(out).toBe(hostile.map((h) => `[${h}]`).join(''));
  });

  it('leaves plain words readable', () => {
    expect(shJoin(['nvidia-smi', '--format=csv,noheader', '-lms', '1000'])).toBe(
      'nvidia-smi --format=csv,noheader -lms 1000',
    );
  });
});

describe('loginShellLine', () => {
  const args = [...hostile, '!!', 'a!b', '\\0121', '%s %d', 'ünï ✓', 'tab\there', 'trailing\\'];
  const line = loginShellLine(['printf', '[%s]\\n', ...args]);

  it('holds only characters every login shell reads literally inside single quotes', () => {
    const inner = /^sh -c 'eval "\$\(printf "(.*)"\)"'$/.exec(line)?.[1];
    expect(inner).toBeDefined();
    expect(inner).toMatch(/^(?:[A-Za-z0-9_./,:=+@ -]|\\[0-7]{3})*$/);
  });

  it.each(
    ['/bin/sh', '/bin/bash', '/usr/bin/dash', '/usr/bin/zsh', '/usr/bin/fish', '/usr/bin/tcsh'].filter((s) =>
      existsSync(s),
    ),
  )('means the same as `%s -c LINE` (run here)', (shell) => {
    expect(execFileSync(shell, ['-c', line], { encoding: 'utf8', cwd: '/' })).toBe(
      args.map((a) => `[${a}]\n`).join(''),
    );
  });
});

/** A process and everything below it, from /proc: pid and command name. */
function tree(pid: number): { pid: number; name: string }[] {
  const found: { pid: number; name: string }[] = [];
  const visit = (p: number) => {
    try {
      found.push({ pid: p, name: readFileSync(`/proc/${p}/comm`, 'utf8').trim() });
      for (const task of readdirSync(`/proc/${p}/task`))
        for (const child of readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim().split(' ').filter(Boolean))
          visit(Number(child));
    } catch {
      // gone meanwhile
    }
  };
  visit(pid);
  return found;
}

const alive = (pid: number) => {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('dieWithChannel', () => {
  it('runs the command in its own group and kills all of it when stdin ends, with no process but sh to watch', async () => {
    const [cmd, ...args] = dieWithChannel(['sh', '-c', 'sleep 300 & wait']);
    const child = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'ignore'] });
    const running = await waitFor(() => tree(child.pid!), {
      until: (procs) => procs.filter((p) => p.name === 'sleep').length === 1,
      what: 'the command running',
      show: (procs) => procs.map((p) => p.name).join(' '),
    });
    // the wrapper, the watcher (a subshell), setsid's sh and the command's own sh: no other program
    const shells = running.filter((p) => p.name !== 'sleep').map((p) => p.name);
    expect(new Set(shells)).toEqual(new Set(['sh']));
    expect(shells.length).toBeLessThanOrEqual(4);
    const sleep = running.find((p) => p.name === 'sleep')!.pid;
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      child.stdin!.end();
      await waitFor(() => alive(sleep), { until: (up) => !up, what: 'the sleep killed with its group' });
      await exited;
    } finally {
      if (alive(sleep)) process.kill(sleep);
    }
  });
});
