/**
 * The queue runner of the whole assembled watchdog under each shell and awk a server may have
 * (dash with mawk, gawk and busybox awk; busybox sh with busybox awk), run here against a
 * temporary $HOME with real tmux (its own socket directory) and the fake nvidia-smi (2 GPUs):
 * five queued runs, all started, never two at once on one GPU, and the two of a capped sweep
 * never at once.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LaunchRequest } from '../../src/backends/runBackend.js';
import { machineKey, type RunManifest, runFile } from '../../src/runs/layout.js';
import { buildQueueEntry, writeQueueEntryCommand } from '../../src/sweeps/queueEntry.js';
import { assembledWatchdogScript, availableAwks } from './awkHarness.js';

const FAKEBIN = path.join(import.meta.dirname, '..', 'fakebin');
const SCRIPT = assembledWatchdogScript();
afterAll(() => rmSync(path.dirname(SCRIPT), { recursive: true, force: true }));
const has = (program: string) => spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;

const variants = [
  ...availableAwks().map((awk) => ({ shell: ['dash'], awk })),
  ...availableAwks()
    .filter((a) => a.argv[0] === 'busybox')
    .map((awk) => ({ shell: ['busybox', 'sh'], awk })),
].filter((v) => has(v.shell[0]) && has('tmux'));

describe.each(variants.map((v) => ({ ...v, name: `${v.shell.join(' ')} + ${v.awk.name}` })))(
  'the queue under $name',
  ({ shell, awk }) => {
    let dir = '';
    let env: Record<string, string> = {};
    afterEach(() => {
      spawnSync('tmux', ['kill-server'], { env, stdio: 'ignore' }); // this test's own tmux server only
      rmSync(dir, { recursive: true, force: true });
    });

    it("starts queued runs on two GPUs, one run per GPU at a time, a capped sweep's within its share", () => {
      dir = mkdtempSync(path.join(tmpdir(), 'ty-qmatrix-'));
      const home = path.join(dir, 'home');
      const shim = path.join(dir, 'bin');
      for (const d of [home, shim, path.join(dir, 'tmux'), path.join(home, 'proj')]) mkdirSync(d, { recursive: true });
      if (awk.argv.length === 1)
        symlinkSync(
          spawnSync('sh', ['-c', `command -v ${awk.argv[0]}`])
            .stdout.toString()
            .trim(),
          path.join(shim, 'awk'),
        );
      else {
        writeFileSync(path.join(shim, 'awk'), `#!/bin/sh\nexec ${awk.argv.join(' ')} "$@"\n`);
        chmodSync(path.join(shim, 'awk'), 0o755);
      }
      writeFileSync(path.join(dir, 'gpu'), 'mode=idle\ncount=2\n');
      env = {
        HOME: home,
        PATH: `${shim}:${FAKEBIN}:${process.env.PATH}`,
        TMUX_TMPDIR: path.join(dir, 'tmux'),
        FAKE_GPU_STATE: path.join(dir, 'gpu'),
        LC_ALL: 'C',
      };
      const wd = path.join(home, '.trainyard', 'watchdog', machineKey(hostname()));
      mkdirSync(wd, { recursive: true });
      writeFileSync(path.join(wd, 'config'), 'interval=1\n');
      // c-1 and c-2 belong to a sweep whose share of maxParallel on this machine is 1
      const sweeps = path.join(home, '.trainyard', 'sweeps', 'cap');
      mkdirSync(sweeps, { recursive: true });
      writeFileSync(
        path.join(sweeps, 'sweep.json'),
        JSON.stringify({ name: 'cap', maxParallel: 1, maxParallelOn: { [machineKey(hostname())]: 1 }, failLimit: 3 }),
      );
      const ids = ['m-1', 'm-2', 'm-3', 'c-1', 'c-2'];
      for (const [i, id] of ids.entries()) {
        const command = `s=$(date +%s%3N); sleep 1; echo "$CUDA_VISIBLE_DEVICES $s $(date +%s%3N) ${id}" >> record.txt`;
        const manifest = {
          session: id,
          project: 'p',
          host: 'local',
          remoteDir: path.join(home, 'proj'),
          log: runFile(home, id, 'log'),
          command,
          gpus: null,
          startedAt: '',
          configHash: id,
          git: { commit: null, dirty: false, diffHash: null },
          autoRestart: { enabled: false, max: 3, backoffSeconds: 60 },
          restartCount: 0,
          sweep: id.startsWith('c-') ? 'cap' : null,
        } as unknown as RunManifest;
        const launch: LaunchRequest = {
          ...{ host: 'local', id, project: 'p', home, remoteDir: manifest.remoteDir, log: manifest.log, command },
          ...{ env: {}, activation: { kind: 'none' }, gpus: null, secrets: null, manifest },
          ...{ runDir: `${manifest.remoteDir}/outputs/${id}`, params: {} },
        };
        const cmd = writeQueueEntryCommand(
          'local',
          buildQueueEntry({ launch, want: 1, share: false, queuedAt: i + 1 }),
        );
        const w = spawnSync(cmd.argv[0], cmd.argv.slice(1), { input: cmd.stdin, env, encoding: 'utf8' });
        expect(w.status, w.stderr).toBe(0);
      }
      const run = spawnSync(shell[0], [...shell.slice(1), SCRIPT, 'run', '10'], {
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status, run.stderr).toBe(0);
      const record = path.join(home, 'proj', 'record.txt');
      const events = readFileSync(path.join(wd, 'events.jsonl'), 'utf8');
      expect(existsSync(record), events).toBe(true);
      const runs = readFileSync(record, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' '))
        .map(([gpu, start, end, id]) => ({ gpu, start: Number(start), end: Number(end), id }));
      expect(runs.map((r) => r.id).sort(), events).toEqual([...ids].sort());
      for (const gpu of ['0', '1']) {
        const on = runs.filter((r) => r.gpu === gpu).sort((a, b) => a.start - b.start);
        for (let i = 1; i < on.length; i++) expect(on[i].start).toBeGreaterThanOrEqual(on[i - 1].end);
      }
      expect(runs.every((r) => r.gpu === '0' || r.gpu === '1')).toBe(true);
      const [c1, c2] = ['c-1', 'c-2'].map((id) => runs.find((r) => r.id === id)!);
      expect(c2.start, JSON.stringify(runs)).toBeGreaterThanOrEqual(c1.end);
      expect(events.match(/"kind":"queue-start"/g)).toHaveLength(5);
    }, 70_000);
  },
);
