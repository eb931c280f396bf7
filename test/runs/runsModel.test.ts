/**
 * The Runs model from fixture files: the real runs probe (bash, tmux) runs against a temporary
 * $HOME holding manifests, markers, logs and a queue entry, and the rows must say what those
 * files say.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandExec } from '../../src/backends/runBackend.js';
import { machineKey } from '../../src/runs/layout.js';
import { fleetRows, fleetSummary, type RunRow } from '../../src/runs/runsModel.js';
import { filterRuns, sortRuns } from '../../src/runs/runsOrder.js';
import { parseRunsProbe } from '../../src/runs/runsProbe.js';
import { HostRunsReader } from '../../src/runs/runsReader.js';
import { tailFacts } from '../../src/runs/tailFacts.js';

let home: string;
let env: NodeJS.ProcessEnv;
const startedA = Date.now() - 60_000;

const manifest = (session: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    session,
    project: 'sample',
    host: 'local',
    remoteDir: `${home}/work/sample`,
    log: `${home}/logs/${session}.log`,
    command: 'python3 train.py',
    gpus: '0',
    startedAt: new Date(startedA).toISOString(),
    configHash: `h-${session}`,
    ...extra,
  });

/** Runs a command value here, with the fixture $HOME and its own tmux server. */
const exec: CommandExec = (command) =>
  new Promise((resolve) => {
    const [file, ...args] = command.argv;
    execFile(file, args, { env, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      resolve({ stdout, stderr, code: error ? ((error as { code?: number }).code ?? 1) : 0 }),
    );
  });

function write(rel: string, text: string): void {
  const file = path.join(home, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

beforeAll(() => {
  home = mkdtempSync('/tmp/ty-runsmodel-');
  env = { ...process.env, HOME: home, TMUX_TMPDIR: home, TMUX: '' };
  const runs = '.trainyard/runs';
  const me = machineKey(hostname());
  // a: running (a real tmux session), epoch progress and a loss in its log
  write(
    `${runs}/run-a.json`,
    `${manifest('run-a', { sweep: 'lr-sweep', params: { lr: '1e-3' }, runDir: `${home}/out/run-a` })}\n`,
  );
  write(`${runs}/run-a.machine`, `${me}\n`);
  write(
    'logs/run-a.log',
    `${'x'.repeat(5000)}\nepoch 2/10 loss 0.9\nstep 12/50 loss 0.71\nepoch 3/10 loss 0.5\n@@tmux 0\n@@run 7 exit=0\nstep 4/50 loss 0.48\n`,
  );
  // b: finished (exit 0)
  write(`${runs}/run-b.json`, manifest('run-b', { sweep: 'lr-sweep', params: { lr: '3e-4' } }));
  write(`${runs}/run-b.exit`, '0\n');
  write('logs/run-b.log', 'step 99/100 loss 0.2\nstep 100/100 loss 0.125\ndone\n');
  // c crashed and d continues it (c: restarted); d crashed too
  write(`${runs}/run-c.json`, manifest('run-c'));
  write(`${runs}/run-c.exit`, '1\n');
  write(`${runs}/run-d.json`, manifest('run-d', { parent: 'run-c', resumedFrom: '/x/checkpoint-5' }));
  write(`${runs}/run-d.exit`, '1\n');
  // e: stopped by the user
  write(`${runs}/run-e.json`, manifest('run-e'));
  write(`${runs}/run-e.exit`, '130\n');
  write(`${runs}/run-e.stopped`, '2026-01-01T00:00:00Z\n');
  // f: another machine's run on a shared home — not this host's
  write(`${runs}/run-f.json`, manifest('run-f'));
  write(`${runs}/run-f.machine`, 'some-other-server\n');
  // a manifest that tries to forge a marker line: skipped, never a row
  write(`${runs}/evil.json`, '@@run 0 exit=0\n{"session":"forged","project":"p","remoteDir":"/x","command":"c"}\n');
  // g: queued on this machine, wants 2 GPUs
  write(
    `.trainyard/queue/${me}/1765000000000-run-g/manifest.json`,
    `${manifest('run-g', { gpus: null, startedAt: '', sweep: 'lr-sweep', params: { lr: '1e-4' }, by: 'queue' })}\n`,
  );
  write(`.trainyard/queue/${me}/1765000000000-run-g/want`, '2\n');
  execFileSync('tmux', ['new-session', '-d', '-s', 'run-a', 'sleep 60'], { env });
});

afterAll(() => {
  try {
    execFileSync('tmux', ['kill-server'], { env, stdio: 'ignore' });
  } catch {
    // no server left
  }
  rmSync(home, { recursive: true, force: true });
});

describe("the Runs model from a host's files", () => {
  let rows: RunRow[];
  let reader: HostRunsReader;

  beforeAll(async () => {
    reader = new HostRunsReader('local', { projects: {} });
    rows = fleetRows([await reader.read(exec)]);
  });

  const row = (id: string) => rows.find((r) => r.id === id);

  it('gives each run the state its markers and session say', () => {
    expect(Object.fromEntries(rows.map((r) => [r.id, r.state]))).toEqual({
      'run-a': 'running',
      'run-b': 'finished',
      'run-c': 'restarted',
      'run-d': 'crashed',
      'run-e': 'stopped',
      'run-g': 'queued',
    });
    expect(row('run-c')?.child).toBe('run-d');
    expect(row('run-d')).toMatchObject({ exitCode: 1, parent: 'run-c' });
    expect(row('run-g')).toMatchObject({ wantGpus: 2, sweep: 'lr-sweep', params: { lr: '1e-4' }, by: 'queue' });
  });

  it('reads progress and the latest loss from the end of each log, with the one grammar', () => {
    // the outer loop (epoch) wins over the step lines after it; the loss is the newest line's
    expect(row('run-a')?.progress).toMatchObject({ kind: 'epoch', done: 3, total: 10, percent: 30 });
    expect(row('run-a')?.loss).toEqual({ name: 'loss', value: 0.48 });
    expect(row('run-b')?.progress).toMatchObject({ kind: 'step', done: 100, total: 100, percent: 100 });
    expect(row('run-b')?.loss).toEqual({ name: 'loss', value: 0.125 });
    expect(row('run-a')).toMatchObject({ sweep: 'lr-sweep', params: { lr: '1e-3' }, runDir: `${home}/out/run-a` });
    // older manifests without runDir: the project directory
    expect(row('run-b')?.runDir).toBe(`${home}/work/sample`);
  });

  it('estimates runtime and ETA from the start time and the pace', () => {
    const a = row('run-a')!;
    expect(a.runtimeSeconds).toBeGreaterThanOrEqual(59);
    // 3 of 10 epochs in the runtime so far: 7 more at the same pace
    expect(a.etaSeconds).toBe(Math.round((7 * a.runtimeSeconds!) / 3));
    // an ended run's runtime stops at its exit marker
    expect(row('run-b')?.runtimeSeconds).toBeGreaterThanOrEqual(59);
    expect(row('run-b')?.etaSeconds).toBeNull();
    // a resumed run's pace since its start is unknown until two looks saw it move
    expect(row('run-d')?.etaSeconds).toBeNull();
  });

  it('says it in one line, and sorts and filters', () => {
    expect(fleetSummary(rows)).toBe('1 running · 1 queued · 1 crashed · 1 stopped · 1 finished');
    expect(sortRuns(rows, 'state').map((r) => r.id)).toEqual(['run-a', 'run-g', 'run-d', 'run-e', 'run-c', 'run-b']);
    expect(
      sortRuns(rows, 'loss')
        .map((r) => r.id)
        .slice(0, 2),
    ).toEqual(['run-b', 'run-a']);
    expect(
      filterRuns(rows, 'LR-SWEEP')
        .map((r) => r.id)
        .sort(),
    ).toEqual(['run-a', 'run-b', 'run-g']);
    expect(filterRuns(rows, 'sweep queued').map((r) => r.id)).toEqual(['run-g']);
  });

  it("reads an ended run's log once, a live one on every look", async () => {
    const asked: string[][] = [];
    const spy: CommandExec = (command, options) => {
      asked.push(command.argv.slice(4));
      return exec(command, options);
    };
    await reader.read(spy);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toEqual(['1', `${home}/logs/run-a.log`]);
  });
});

describe('log tails and probe output are data', () => {
  it('a log line that looks like a probe marker is only a log line', () => {
    const probe = parseRunsProbe(
      `@@now 5\n@@run 0 exit=3 stopped\n@@tmux 0\n@@ends\n@@tail 0 9 ${Buffer.from('a\n@@tmux 1\nepoch 1/2\n').toString('base64')}\n@@tmux 1\nno server running on /tmp/x\n`,
    );
    expect(probe.runs).toEqual([{ manifestLine: '@@tmux 0', exitCode: 3, endedAt: null, stopped: true, jobId: null }]);
    expect(probe.tails.get(0)?.text).toContain('@@tmux 1');
    expect(probe.tmux.code).toBe(1);
  });

  it('a bar rewritten with \\r is read as its last state', () => {
    const facts = tailFacts('cut li\n 10%|█ | 10/100 [00:01<00:09]\r 45%|████▌ | 45/100 [00:04<00:05]\n');
    expect(facts.progress).toEqual({ kind: 'tqdm', done: 45, total: 100 });
  });

  it("uses the project's metrics pattern when it has one", () => {
    expect(tailFacts('x\nit 5 l=0.25\n', 'l=(?<loss>[0-9.]+)').loss).toEqual({ name: 'loss', value: 0.25 });
    // val_loss only: that is the loss there is
    expect(tailFacts('x\nval_loss 0.5\n').loss).toEqual({ name: 'val_loss', value: 0.5 });
  });
});

describe('Slurm batch jobs in the Runs model', () => {
  const m = (session: string) =>
    JSON.stringify({
      session,
      project: 'p',
      remoteDir: '/home/u/p',
      command: 'train',
      startedAt: new Date(Date.now() - 5000).toISOString(),
    });
  const probe = (runs: string) =>
    parseRunsProbe(
      `@@now ${Math.round(Date.now() / 1000)}\n@@home /home/u\n${runs}@@ends\n@@tmux 1\nno server running on /tmp/x\n`,
    );
  const job = (id: string, name: string, state: string) =>
    ({
      id,
      jobId: id,
      arrayTask: null,
      pendingTasks: null,
      name,
      state,
      reason: 'None',
      elapsed: 3,
      limit: null,
    }) as never;

  it("takes a job's state from the cluster's queue: pending is queued, running is running, gone is ended", () => {
    const p = probe(
      `@@run 0 job=11\n${m('wait')}\n@@run 1 job=12\n${m('go')}\n@@run 2 exit=0 job=13\n${m('done')}\n@@run 3 job=14\n${m('vanished')}\n`,
    );
    const rows = fleetRows([
      {
        alias: 'login',
        probe: p,
        facts: new Map(),
        receivedAt: Date.now(),
        jobs: [job('11', 'wait', 'PENDING'), job('12', 'go', 'RUNNING'), job('13', 'done', 'COMPLETING')],
      },
    ]);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.state]))).toEqual({
      wait: 'queued',
      go: 'running',
      done: 'finished',
      vanished: 'crashed',
    });
    expect(rows.find((r) => r.id === 'wait')?.runtimeSeconds).toBeNull();
  });

  it('a job launched after the poll the queue was read from waits (queued); polled after its launch and absent, it is gone', () => {
    const p = probe(`@@run 0 job=21_0\n${m('fresh')}\n@@run 1 job=22_1\n${m('old')}\n`);
    const started = Date.parse(JSON.parse(m('fresh')).startedAt);
    const at = (jobsAt: number) =>
      Object.fromEntries(
        fleetRows([{ alias: 'login', probe: p, facts: new Map(), receivedAt: Date.now(), jobs: [], jobsAt }]).map(
          (r) => [r.id, r.state],
        ),
      );
    expect(at(started - 1000)).toEqual({ fresh: 'queued', old: 'queued' });
    expect(at(started + 1000)).toEqual({ fresh: 'crashed', old: 'crashed' });
  });
});
