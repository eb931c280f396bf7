/**
 * The login node's poll script (pollScript.ts) run by real bash with stand-in squeue and sinfo
 * that count their calls: concurrent callers share one poll, a fresh file is served, a stale one
 * polled again, a dead poller's lock taken over, the file keyed by cluster name and user.
 */
import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clusterPollCommand } from '../../src/backends/slurm/pollScript.js';
import { parseSections } from '../../src/commands/sectioned.js';
import { parseSinfo, parseSqueue } from '../../src/parsers/slurm.js';

let dir: string;
let env: NodeJS.ProcessEnv;
const count = (name: string) => {
  const f = path.join(dir, `${name}.calls`);
  return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).length : 0;
};

function poll(alias: string, intervalMs: number): Promise<string> {
  const argv = clusterPollCommand(alias, intervalMs).argv;
  return new Promise((resolve, reject) =>
    execFile(argv[0], argv.slice(1), { env, timeout: 20_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ty-pollscript-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  mkdirSync(path.join(dir, 'home'));
  const fake = (name: string, line: string) => {
    writeFileSync(
      path.join(bin, name),
      `#!/bin/bash\necho x >> ${JSON.stringify(path.join(dir, `${name}.calls`))}\nsleep 0.3\necho '${line}'\n`,
    );
    chmodSync(path.join(bin, name), 0o755);
  };
  fake('squeue', '7|RUNNING|None|1:00|10:00|1|gres:gpu:1|n1|gpu|train');
  fake('sinfo', 'n1|gpu*|mixed|gpu:2|gpu:1|');
  writeFileSync(path.join(dir, 'slurm.conf'), '# lab\nClusterName=lab # the name\nSlurmctldHost=x\n');
  env = {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: path.join(dir, 'home'),
    SLURM_CONF: path.join(dir, 'slurm.conf'),
  };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the login node poll script', () => {
  it('gives ten concurrent callers one squeue and one sinfo, each the whole answer', async () => {
    const outs = await Promise.all(Array.from({ length: 10 }, () => poll('c', 10_000)));
    expect(count('squeue')).toBe(1);
    expect(count('sinfo')).toBe(1);
    const served = outs.map((o) => parseSections(o).value('served'));
    expect(served.filter((s) => s === 'poll')).toHaveLength(1);
    expect(served.filter((s) => s === 'file')).toHaveLength(9);
    for (const o of outs) {
      const s = parseSections(o);
      expect(parseSqueue(s.first('squeue')!.lines.join('\n'))[0]).toMatchObject({ id: '7', name: 'train' });
      expect(parseSinfo(s.first('sinfo')!.lines.join('\n'))[0]).toMatchObject({ host: 'n1', gpus: 2 });
      expect(s.number('age')).toBeGreaterThanOrEqual(0);
    }
    // keyed by the cluster's name and the user, under ~/.trainyard/slurm
    expect(existsSync(path.join(dir, 'home', '.trainyard', 'slurm', `lab.${userInfo().username}.poll`))).toBe(true);
  }, 30_000);

  it('serves the file while it is younger than the interval, polls again after', async () => {
    await poll('c', 1500);
    expect(parseSections(await poll('c', 1500)).value('served')).toBe('file');
    expect(count('squeue')).toBe(1);
    await new Promise((r) => setTimeout(r, 1600));
    expect(parseSections(await poll('c', 1500)).value('served')).toBe('poll');
    expect(count('squeue')).toBe(2);
  }, 30_000);

  it("takes over a dead poller's lock, but waits for a live one", async () => {
    const slurmDir = path.join(dir, 'home', '.trainyard', 'slurm');
    const lock = path.join(slurmDir, `lab.${userInfo().username}.lock`);
    mkdirSync(lock, { recursive: true });
    const old = new Date(Date.now() - 120_000);
    utimesSync(lock, old, old);
    expect(parseSections(await poll('c', 10_000)).value('served')).toBe('poll');
    expect(existsSync(lock)).toBe(false);
    // a fresh lock (another process polling now): the caller waits, then is served that poll
    rmSync(path.join(slurmDir, `lab.${userInfo().username}.poll`));
    mkdirSync(lock);
    const waiting = poll('c', 10_000);
    await new Promise((r) => setTimeout(r, 600));
    expect(count('squeue')).toBe(1);
    rmSync(lock, { recursive: true });
    expect(parseSections(await waiting).value('served')).toBe('poll');
    expect(count('squeue')).toBe(2);
  }, 30_000);

  it('keys by the alias when no slurm.conf is readable, and keeps a hostile name inside its directory', async () => {
    env.SLURM_CONF = path.join(dir, 'missing.conf');
    await poll('../../evil', 10_000);
    expect(count('squeue')).toBe(1);
    const slurmDir = path.join(dir, 'home', '.trainyard', 'slurm');
    expect(existsSync(path.join(slurmDir, `alias-.._.._evil.${userInfo().username}.poll`))).toBe(true);
  }, 30_000);
});
