/** The sync --delete guard through the runner: host "local", real rsync between two directories, the look scripted. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Answerer } from '../../src/actions/runner.js';
import { normalizeConfig } from '../../src/config/load.js';
import { ScriptedTransport } from '../support/scriptedTransport.js';
import { answers, branchesLab, parentManifest } from './branchesLab.js';
import { probeOutput } from './fakeHost.js';
import { runAction } from './helpers.js';

const lab = branchesLab();
const { work, dataDir } = lab;

describe('the --delete guard (host "local": real rsync between two directories, the look scripted)', () => {
  const local = path.join(work, 'guard-local');
  const remote = path.join(work, 'guard-remote');
  const localConfig = normalizeConfig(
    { hosts: ['local'], projects: { p: { local, remote, train: 'python train.py', results: 'outputs' } } },
    '/cfg.json',
  );
  const sync = (opts: { live: boolean; answerer: Answerer }) => {
    const manifests = opts.live
      ? [
          {
            manifest: {
              ...parentManifest({
                session: 'live1',
                host: 'local',
                remoteDir: remote,
                results: 'run-out',
                checkpoints: 'run-out/checkpoint-*',
              }),
              log: `${remote}/logs/live1.log`,
            },
          },
        ]
      : [];
    lab.transport = new ScriptedTransport().expect('trainyard-probe', {
      stdout: probeOutput({ home: work, sessions: opts.live ? [{ name: 'live1' }] : [], manifests }),
    });
    return runAction(
      localConfig,
      lab.transport,
      'sync',
      { host: 'local', project: 'p' },
      { dataDir: dataDir(), answerer: opts.answerer },
    );
  };
  const exists = (rel: string) => existsSync(path.join(remote, rel));

  it('lists what would go, deletes nothing on no, deletes on yes', async () => {
    mkdirSync(local, { recursive: true });
    writeFileSync(path.join(local, 'train.py'), 'print(1)\n');
    mkdirSync(path.join(remote, 'stale'), { recursive: true });
    writeFileSync(path.join(remote, 'old.py'), 'x\n');
    writeFileSync(path.join(remote, 'stale', 'notes.txt'), 'x\n');
    const no = answers(false);
    const kept = await sync({ live: false, answerer: no.answerer });
    expect(kept.verdict.outcome, kept.text).toBe('ok');
    expect(no.asked).toEqual(['Delete on the server?']);
    expect(kept.verdict.data?.deletions).toEqual(expect.arrayContaining(['old.py', 'stale/', 'stale/notes.txt']));
    expect(exists('old.py') && exists('stale/notes.txt') && exists('train.py')).toBe(true);
    lab.transport.verify();

    const removed = await sync({ live: false, answerer: answers(true).answerer });
    expect(removed.verdict.data?.deleted).toBe(3);
    expect(exists('old.py') || exists('stale')).toBe(false);
  });

  it("keeps a live run's results, checkpoints and log out of the list, and says so", async () => {
    mkdirSync(path.join(remote, 'run-out', 'checkpoint-5'), { recursive: true });
    mkdirSync(path.join(remote, 'logs'), { recursive: true });
    writeFileSync(path.join(remote, 'run-out', 'metrics.jsonl'), '{}\n');
    writeFileSync(path.join(remote, 'logs', 'live1.log'), 'step 1\n');
    writeFileSync(path.join(remote, 'leftover.py'), 'x\n');
    const yes = answers(true, true);
    const r = await sync({ live: true, answerer: yes.answerer });
    expect(r.verdict.outcome, r.text).toBe('ok');
    expect(yes.asked).toEqual(['Sync under a live run?', 'Delete on the server?']);
    expect(r.text).toContain(
      'protected from --delete: run-out/, run-out/checkpoint-*, logs/live1.log (run live1 is alive)',
    );
    expect(r.verdict.data?.deletions).toEqual(['leftover.py']);
    expect(exists('leftover.py')).toBe(false);
    expect(exists('run-out/metrics.jsonl') && exists('run-out/checkpoint-5') && exists('logs/live1.log')).toBe(true);
    lab.transport.verify();

    // the same files without a live run: the guard was what kept them (and nothing asks about live runs)
    const after = answers(false);
    const unguarded = await sync({ live: false, answerer: after.answerer });
    expect(unguarded.verdict.data?.deletions).toEqual(
      expect.arrayContaining(['run-out/metrics.jsonl', 'logs/live1.log']),
    );
    expect(after.asked).toEqual(['Delete on the server?']);
  });

  it('a sync under a live run names it and sends nothing when the answer is no', async () => {
    writeFileSync(path.join(local, 'model.py'), 'changed = True\n');
    const messages: string[] = [];
    const r = await sync({
      live: true,
      answerer: async (q) => (q.kind === 'confirm' && messages.push(q.message, ...q.details), false),
    });
    expect(r.verdict).toMatchObject({
      outcome: 'declined',
      summary: 'not done: nothing sent: live1 keeps the code it started with',
    });
    expect(messages[0]).toBe(
      `live1 is running from local:${remote}: the sync changes the code under it (a module imported later, a new worker or a restart reads the new code). Sync anyway?`,
    );
    expect(messages[1]).toMatch(/^live1 {2}p, started 2026-01-01T00:00:00Z$/);
    expect(exists('model.py')).toBe(false);
  });
});
