/**
 * Queue entries as values, and the command values run for real by bash against a temporary
 * $HOME (the same scripts the server runs over SSH): write, list, claim, move back, remove.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LaunchRequest } from '../../src/backends/runBackend.js';
import type { RemoteCommand } from '../../src/commands/value.js';
import { machineKey, RUN_SCRIPT_MARKER, type RunManifest } from '../../src/runs/layout.js';
import {
  claimQueueEntryCommand,
  dropMovedEntryCommand,
  EXIT_ENTRY_GONE,
  listQueueCommand,
  parseClaimedEntry,
  parseQueueListing,
  parseRemoved,
  removeQueueEntriesCommand,
  restoreMovedEntryCommand,
} from '../../src/sweeps/queueCommands.js';
import {
  buildQueueEntry,
  checkedEntryName,
  EXIT_ENTRY_EXISTS,
  parseQueueEntryName,
  queueEntryName,
  writeQueueEntryCommand,
} from '../../src/sweeps/queueEntry.js';

const HOME = '/home/u';

function request(id: string, extra: Partial<RunManifest> & Record<string, unknown> = {}): LaunchRequest {
  const manifest = {
    session: id,
    project: 'p',
    host: 'gpu-a',
    remoteDir: `${HOME}/proj`,
    log: `${HOME}/.trainyard/runs/${id}.log`,
    command: 'python train.py --lr {lr}',
    resume: null,
    checkpoints: 'checkpoint-*',
    gpus: '0',
    startedAt: '2026-12-06T22:00:00.000Z',
    parent: null,
    resumedFrom: null,
    configHash: 'abc123',
    git: { commit: null, dirty: false, diffHash: null },
    autoRestart: { enabled: false, max: 3, backoffSeconds: 60 },
    restartCount: 0,
    ...extra,
  } as RunManifest;
  return {
    host: 'gpu-a',
    id,
    project: 'p',
    home: HOME,
    remoteDir: `${HOME}/proj`,
    log: manifest.log,
    command: 'python train.py --lr 1e-3',
    runDir: `${HOME}/proj/outputs/${id}`,
    params: { lr: '1e-3' },
    env: { A: 'b c' },
    activation: { kind: 'none' },
    gpus: '0',
    secrets: null,
    manifest,
  };
}

describe('queue entry values', () => {
  it('names sort by queue time (13 digits), then run id', () => {
    expect(queueEntryName(1733520000123, 'r-1')).toBe('1733520000123-r-1');
    expect(queueEntryName(5, 'x')).toBe('0000000000005-x');
    expect(parseQueueEntryName('1733520000123-r-1')).toEqual({ queuedAt: 1733520000123, runId: 'r-1' });
    for (const bad of ['.claimed-1733520000123-r', '173352000012-r', '1733520000123-', '1733520000123-a/b', 'x'])
      expect(parseQueueEntryName(bad)).toBeNull();
    expect(() => queueEntryName(1e14, 'r')).toThrow(/13 digits/);
    expect(() => checkedEntryName('1733520000123-..')).toThrow(/not a queue entry/);
  });

  it('manifest: gpus null, no start time, by queue, the sweep and params kept', () => {
    const e = buildQueueEntry({
      launch: request('s-1', { sweep: 'lrs', params: { lr: '1e-3' } }),
      want: 2,
      share: false,
      queuedAt: 1000,
    });
    expect(e.entry).toBe('0000000001000-s-1');
    const m = JSON.parse(e.manifestJson);
    expect(m).toMatchObject({
      session: 's-1',
      gpus: null,
      startedAt: '',
      by: 'queue',
      sweep: 'lrs',
      configHash: 'abc123',
    });
    expect(m.params).toEqual({ lr: '1e-3' });
    expect(m.script).toBe(`${HOME}/.trainyard/runs/s-1.sh`);
    expect(e.manifestJson).not.toContain('\n');
  });

  it('run.sh is the launch script with CUDA_VISIBLE_DEVICES from "$ty_gpus", set by nobody but the watchdog', () => {
    const e = buildQueueEntry({ launch: request('s-1'), want: 1, share: true, queuedAt: 1000 });
    const [head, body] = e.script.split(`${RUN_SCRIPT_MARKER}\n`);
    expect(head).toContain('ty_session=s-1\n');
    expect(head).not.toContain('ty_gpus');
    expect(body).toContain('  export CUDA_VISIBLE_DEVICES="$ty_gpus"');
    expect(body).not.toMatch(/CUDA_VISIBLE_DEVICES=[^"]/);
  });

  it('refuses what the watchdog could not start', () => {
    expect(() => buildQueueEntry({ launch: request('r'), want: 0, share: false, queuedAt: 1 })).toThrow(/at least 1/);
    expect(() =>
      buildQueueEntry({ launch: request('r', { sweep: '../x' }), want: 1, share: false, queuedAt: 1 }),
    ).toThrow(/not plain/);
  });
});

/** Runs a command value's argv locally with bash, as the server would, with $HOME = home. */
function runHere(cmd: RemoteCommand, home: string) {
  const r = spawnSync(cmd.argv[0], cmd.argv.slice(1), {
    input: cmd.stdin ?? '',
    env: { PATH: process.env.PATH, HOME: home, LC_ALL: 'C' },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('queue commands, run by bash against a temporary home', () => {
  let home: string;
  let qdir: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'ty-queue-'));
    qdir = path.join(home, '.trainyard/queue', machineKey(os.hostname()));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  const hostile = "r$(touch pwned)'`x`;"; // a run id is data: quotes, $(), backticks, ;
  const entryOf = (id: string, at: number, share = false, secrets: LaunchRequest['secrets'] = null) =>
    buildQueueEntry({ launch: { ...request(id), secrets }, want: 1, share, queuedAt: at });

  it('write puts the files in place in one step; a second write of the same entry is refused', () => {
    const e = entryOf(hostile, 2000, true, {
      file: path.join(home, '.trainyard/secrets/p.env'),
      text: "export TOKEN='s3cret'\n",
      names: ['TOKEN'],
    });
    const w = runHere(writeQueueEntryCommand('gpu-a', e), home);
    expect(w.stderr).toBe('');
    expect(w.code).toBe(0);
    expect(w.stdout).toContain(`@@machine ${machineKey(os.hostname())}`);
    expect(w.stdout).toContain('@@watchdog 0');
    const dir = path.join(qdir, e.entry);
    expect(fs.readdirSync(qdir)).toEqual([e.entry]); // no temp dir left behind
    expect(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).toBe(e.manifestJson);
    expect(fs.readFileSync(path.join(dir, 'run.sh'), 'utf8')).toBe(e.script);
    expect(fs.readFileSync(path.join(dir, 'want'), 'utf8')).toBe('1\n');
    expect(fs.existsSync(path.join(dir, 'share'))).toBe(true);
    expect(fs.readFileSync(path.join(home, '.trainyard/secrets/p.env'), 'utf8')).toBe("export TOKEN='s3cret'\n");
    expect(fs.statSync(path.join(home, '.trainyard/secrets/p.env')).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(home, 'pwned'))).toBe(false);
    expect(writeQueueEntryCommand('gpu-a', e).argv.join(' ')).not.toContain('s3cret');

    const again = runHere(writeQueueEntryCommand('gpu-a', e), home);
    expect(again.code).toBe(EXIT_ENTRY_EXISTS);
    expect(fs.readdirSync(qdir)).toEqual([e.entry]);
  });

  it('list: FIFO order, want and share, claimed entries as starting, junk skipped', () => {
    const late = entryOf('late', 9000);
    const early = entryOf('early', 1000, true);
    runHere(writeQueueEntryCommand('gpu-a', late), home);
    runHere(writeQueueEntryCommand('gpu-a', early), home);
    fs.renameSync(path.join(qdir, late.entry), path.join(qdir, `.claimed-${late.entry}`));
    fs.mkdirSync(path.join(qdir, 'not-an-entry'));
    fs.mkdirSync(path.join(qdir, '.new-0000000000001-x.123'));
    const listing = parseQueueListing(runHere(listQueueCommand('gpu-a'), home).stdout);
    expect(listing?.home).toBe(home);
    expect(listing?.entries.map((e) => [e.runId, e.state, e.want, e.share])).toEqual([
      ['early', 'queued', 1, true],
      ['late', 'starting', 1, false],
    ]);
    expect(listing?.entries[0].manifest?.session).toBe('early');
    expect(parseQueueListing('garbage')).toBeNull();
  });

  it('a listed entry with a broken manifest says so instead of vanishing', () => {
    const e = entryOf('r', 1000);
    runHere(writeQueueEntryCommand('gpu-a', e), home);
    fs.writeFileSync(path.join(qdir, e.entry, 'manifest.json'), '{"session":');
    const [listed] = parseQueueListing(runHere(listQueueCommand('gpu-a'), home).stdout)?.entries ?? [];
    expect(listed.manifest).toBeNull();
    expect(listed.problem).toMatch(/manifest.json not JSON/);
  });

  it('move: claim returns the files; only one claimer wins; restore and drop', () => {
    const e = entryOf(hostile, 3000, true);
    runHere(writeQueueEntryCommand('gpu-a', e), home);
    const c = runHere(claimQueueEntryCommand('gpu-a', e.entry), home);
    expect(c.code).toBe(0);
    expect(parseClaimedEntry(c.stdout)).toEqual({
      want: 1,
      share: true,
      manifestJson: e.manifestJson,
      script: e.script,
    });
    expect(runHere(claimQueueEntryCommand('gpu-a', e.entry), home).code).toBe(EXIT_ENTRY_GONE);
    expect(parseQueueListing(runHere(listQueueCommand('gpu-a'), home).stdout)?.entries[0].state).toBe('moving');
    expect(runHere(restoreMovedEntryCommand('gpu-a', e.entry), home).code).toBe(0);
    expect(fs.readdirSync(qdir)).toEqual([e.entry]);
    runHere(claimQueueEntryCommand('gpu-a', e.entry), home);
    runHere(dropMovedEntryCommand('gpu-a', e.entry), home);
    expect(fs.readdirSync(qdir)).toEqual([]);
  });

  it('remove drops queued entries and reports the ones already gone', () => {
    const a = entryOf('a', 1000);
    const b = entryOf('b', 2000);
    runHere(writeQueueEntryCommand('gpu-a', a), home);
    runHere(writeQueueEntryCommand('gpu-a', b), home);
    fs.renameSync(path.join(qdir, b.entry), path.join(qdir, `.claimed-${b.entry}`)); // a watchdog starts it
    const r = runHere(removeQueueEntriesCommand('gpu-a', [a.entry, b.entry]), home);
    expect(parseRemoved(r.stdout)).toEqual({ removed: [a.entry], gone: [b.entry] });
    expect(fs.readdirSync(qdir)).toEqual([`.claimed-${b.entry}`]);
    expect(() => removeQueueEntriesCommand('gpu-a', ['../../x'])).toThrow(/not a queue entry/);
  });
});
