/**
 * The watchdog's queue program (src/watchdog/awk/queue.awk) under mawk, gawk and busybox awk, on
 * entries built by the laptop's buildQueueEntry(): what it reads, and the run it writes, run for
 * real by bash (the GPUs arrive, hostile values stay data).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LaunchRequest } from '../../src/backends/runBackend.js';
import { RUN_SCRIPT_MARKER, type RunManifest } from '../../src/runs/layout.js';
import { buildQueueEntry } from '../../src/sweeps/queueEntry.js';
import { awkProgram } from '../../src/watchdog/script.js';
import { availableAwks, runAwk } from './awkHarness.js';

const awks = availableAwks();
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const PROGRAM = `${awkProgram('json')}\n${awkProgram('queue')}`;
const HOSTILE_ID = `q$(touch PWNED)'"\`touch PWNED2\`;#{x}`;
const HOSTILE_VALUE = `$(touch PWNED3) 'a' "b" \\ \`touch PWNED4\``;

function entryIn(dir: string) {
  const id = HOSTILE_ID;
  const manifest = {
    session: id,
    project: 'p',
    host: 'gpu-a',
    remoteDir: dir,
    log: path.join(dir, 'run.log'),
    command: 'printf "%s\\n" "$CUDA_VISIBLE_DEVICES" "$V" > out',
    resume: null,
    checkpoints: null,
    gpus: null,
    startedAt: '',
    parent: null,
    resumedFrom: null,
    configHash: 'h',
    git: { commit: null, dirty: false, diffHash: null },
    autoRestart: { enabled: false, max: 3, backoffSeconds: 60 },
    restartCount: 0,
    sweep: 'lrs',
    params: { lr: HOSTILE_VALUE },
  } as RunManifest;
  const launch: LaunchRequest = {
    host: 'gpu-a',
    id,
    project: 'p',
    home: dir,
    remoteDir: dir,
    log: manifest.log,
    command: manifest.command,
    env: { V: HOSTILE_VALUE },
    activation: { kind: 'none' },
    gpus: null,
    secrets: null,
    runDir: `${dir}/outputs/${id}`,
    params: manifest.params ?? {},
    manifest,
  };
  const e = buildQueueEntry({ launch, want: 2, share: false, queuedAt: 1000 });
  writeFileSync(path.join(dir, 'manifest.json'), e.manifestJson);
  writeFileSync(path.join(dir, 'run.sh'), e.script);
  return e;
}

describe.each(awks)('the queue program under $name', (awk) => {
  it('reads an entry: session, sweep, project, log', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ty-qawk-'));
    made.push(dir);
    entryIn(dir);
    const out = runAwk(awk, PROGRAM, { files: [path.join(dir, 'manifest.json')], env: { TY_MODE: 'read' } });
    expect(out.toString('utf8')).toBe(`ok\n${HOSTILE_ID}\nlrs\np\n${path.join(dir, 'run.log')}\n`);
    writeFileSync(path.join(dir, 'bad.json'), '{"project":"p"}\n');
    expect(runAwk(awk, PROGRAM, { files: [path.join(dir, 'bad.json')], env: { TY_MODE: 'read' } }).toString()).toMatch(
      /^error /,
    );
  });

  it('writes the run: ty_gpus below the marker, the manifest with its GPUs and start; the run gets them', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ty-qawk-'));
    made.push(dir);
    const e = entryIn(dir);
    const env = {
      TY_MODE: 'start',
      TY_GPUS: '0,1',
      TY_ISO: '2026-12-06T23:00:00Z',
      TY_MARKER: RUN_SCRIPT_MARKER,
      TY_WRITER: 'trainyard-watchdog test',
      TY_SCRIPT_OUT: path.join(dir, 'out.sh'),
      TY_MANIFEST_OUT: path.join(dir, 'out.json'),
    };
    const out = runAwk(awk, PROGRAM, { files: [path.join(dir, 'manifest.json'), path.join(dir, 'run.sh')], env });
    expect(out.toString('utf8')).toBe('ok\n');
    const script = readFileSync(env.TY_SCRIPT_OUT, 'utf8');
    expect(script).toBe(e.script.replace(`${RUN_SCRIPT_MARKER}\n`, `${RUN_SCRIPT_MARKER}\nty_gpus=0,1\n`));
    const m = JSON.parse(readFileSync(env.TY_MANIFEST_OUT, 'utf8'));
    expect(m).toEqual({
      ...e.manifest,
      gpus: '0,1',
      startedAt: env.TY_ISO,
      writer: env.TY_WRITER,
      by: 'queue',
    });

    const run = spawnSync('bash', [env.TY_SCRIPT_OUT], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(readFileSync(path.join(dir, 'out'), 'utf8')).toBe(`0,1\n${HOSTILE_VALUE}\n`);
    for (const f of ['PWNED', 'PWNED2', 'PWNED3', 'PWNED4']) expect(existsSync(path.join(dir, f))).toBe(false);
  });

  it('refuses a run.sh without the marker', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ty-qawk-'));
    made.push(dir);
    entryIn(dir);
    writeFileSync(path.join(dir, 'run.sh'), '#!/usr/bin/env bash\necho hi\n');
    const out = runAwk(awk, PROGRAM, {
      files: [path.join(dir, 'manifest.json'), path.join(dir, 'run.sh')],
      env: { TY_MODE: 'start', TY_GPUS: '0', TY_MARKER: RUN_SCRIPT_MARKER, TY_SCRIPT_OUT: path.join(dir, 'o.sh') },
    });
    expect(out.toString('utf8')).toMatch(/^error run\.sh has no /);
  });

  it("reads a sweep's failLimit (3 when it has none or a useless one) and this machine's share of maxParallel", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ty-qawk-'));
    made.push(dir);
    const limit = (text: string, machine = 'box-1') => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'sweep.json'), text);
      return runAwk(awk, PROGRAM, {
        files: [path.join(dir, 'sweep.json')],
        env: { TY_MODE: 'limit', TY_MACHINE: machine },
      }).toString();
    };
    expect(limit('{"name":"s","failLimit":5}')).toBe('5 -\n');
    expect(limit('{"name":"s"}')).toBe('3 -\n');
    expect(limit('{"name":"s","failLimit":0}')).toBe('3 -\n');
    expect(limit('{"name":"s","failLimit":"9"}')).toBe('3 -\n');
    expect(limit('not json')).toBe('3 -\n');
    // shares by machine key: this machine's, 0 for a machine left out, none without a cap
    const shares = '{"name":"s","failLimit":4,"maxParallel":3,"maxParallelOn":{"box-1":2,"box 2\\"x":1}}';
    expect(limit(shares)).toBe('4 2\n');
    expect(limit(shares, 'box 2"x')).toBe('4 1\n');
    expect(limit(shares, 'box-3')).toBe('4 0\n');
    expect(limit('{"name":"s","maxParallelOn":{"box-1":"2"}}')).toBe('3 0\n');
    expect(limit('{"name":"s","maxParallelOn":null}')).toBe('3 -\n');
  });
});
