/** Shared set-up for the action tests: real sshd hosts (test/harness), a sample project copy, a runner. */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ActionRunner, type ActionTarget, type Answerer, type RunnerEvent } from '../../src/actions/runner.js';
import type { ActionId, Verdict } from '../../src/actions/types.js';
import { normalizeConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { SshConnection } from '../../src/ssh/connection.js';
import type { Transport } from '../../src/transport/types.js';
import { startTestHosts, type TestHost, type TestHosts } from '../harness/testHosts.js';
import { waitFor } from '../support/waitFor.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SAMPLE_PROJECT = path.resolve(here, '../sample-project');

/** A copy of test/sample-project under dir (a git repo with one commit, like a real project). */
export function copySampleProject(dir: string): string {
  cpSync(SAMPLE_PROJECT, dir, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', dir, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
      stdio: 'ignore',
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'sample');
  return dir;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join('/tmp', prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function labConfig(hosts: TestHosts, projects: Record<string, unknown>): Config {
  return normalizeConfig(
    {
      hosts: hosts.hosts.map((h) => h.alias),
      sshConfig: hosts.sshConfigPath,
      keepalive: { intervalSeconds: 5, countMax: 6 },
      projects,
    },
    '/tmp/trainyard-test-config.json',
  );
}

export async function connect(config: Config, alias: string): Promise<SshConnection> {
  const c = new SshConnection({
    alias,
    sshConfig: config.sshConfig,
    keepalive: config.keepalive,
    trustNewHostKeys: false,
    backoff: { baseMs: 200, capMs: 1000, jitter: 0 },
  });
  c.start();
  await c.whenReady(15_000);
  return c;
}

export interface ActionResult {
  verdict: Verdict;
  lines: { text: string; kind: string }[];
  text: string;
  runner: ActionRunner;
}

export interface RunOptions {
  dryRun?: boolean;
  assumeYes?: boolean;
  /** Answers in order; the default answers every confirm with false and takes defaults. */
  answerer?: Answerer;
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /** Called once the run started, with the runner and run id (to cancel it). */
  onStart?: (runner: ActionRunner, runId: number) => void;
  onEvent?: (e: RunnerEvent) => void;
}

export async function runAction(
  config: Config,
  connection: Transport,
  action: ActionId,
  target: ActionTarget,
  opts: RunOptions,
): Promise<ActionResult> {
  const lines: { text: string; kind: string }[] = [];
  const runner = new ActionRunner({
    config,
    dataDir: opts.dataDir,
    env: opts.env ?? { ...process.env, TMUX: '' },
    transportFor: () => connection,
    answerer: opts.answerer ?? (async (q) => (q.kind === 'confirm' ? false : q.defaultValue)),
    onEvent: (e) => {
      if (e.type === 'line') lines.push({ text: e.text, kind: e.kind });
      opts.onEvent?.(e);
    },
  });
  const { runId, done } = runner.start(action, target, { dryRun: opts.dryRun, assumeYes: opts.assumeYes });
  opts.onStart?.(runner, runId);
  const verdict = await done;
  // text ends with the verdict, so a failed expectation shows the whole story
  const text = [
    ...lines.map((l) => l.text),
    `=> ${verdict.outcome}: ${verdict.summary}`,
    ...verdict.details,
    verdict.hint ?? '',
  ].join('\n');
  return { verdict, lines, text, runner };
}

/** Fails with the whole output and verdict when an action did not end ok. */
export function expectOk(result: ActionResult): void {
  if (result.verdict.outcome !== 'ok') throw new Error(`expected ok, got ${result.verdict.outcome}:\n${result.text}`);
}

/** A test host as the tests look at it: shell commands as its user, over the system ssh. */
export interface RemoteHost {
  alias: string;
  /** Its $HOME, seen from here. */
  homeDir: string;
  run(cmd: string): Promise<{ stdout: string; stderr: string; code: number | null }>;
  close(): void;
}

/**
 * Checks run through the system ssh (one multiplexed connection per host): independent of the
 * code under test, cheap per command, and with the same environment as the tests' own sessions.
 */
export function remoteHost(lab: TestHosts, h: TestHost): RemoteHost {
  const base = [
    '-F',
    lab.sshConfigPath,
    '-o',
    'ControlMaster=auto',
    '-o',
    `ControlPath=${path.join(lab.dir, `cm-${h.n}`)}`,
    '-o',
    'ControlPersist=120',
  ];
  return {
    alias: h.alias,
    homeDir: h.homeDir,
    run: (cmd) =>
      new Promise((resolve) => {
        execFile('ssh', [...base, h.alias, cmd], { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
          const code = error
            ? typeof (error as { code?: unknown }).code === 'number'
              ? (error as { code: number }).code
              : null
            : 0;
          resolve({ stdout, stderr, code });
        });
      }),
    close: () => {
      execFile('ssh', [...base, '-O', 'exit', h.alias], () => {});
    },
  };
}

/** Polls a shell command on the host until it prints something matching, or fails. */
export async function waitOnHost(
  h: Pick<RemoteHost, 'alias' | 'run'>,
  cmd: string,
  match: RegExp,
  timeoutMs = 20_000,
): Promise<string> {
  const r = await waitFor(() => h.run(cmd), {
    until: (r) => match.test(r.stdout),
    timeoutMs,
    intervalMs: 150,
    what: `${match} on ${h.alias} from: ${cmd}`,
    show: (r) => r.stdout + r.stderr,
  });
  return r.stdout;
}

/** A config "projects" entry for the sample project. */
export function sampleProject(local: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    local,
    remote: '~/work/sample',
    train: 'python3 train.py --output {run_dir} --steps 30 --save-every 5 --step-seconds 0.08',
    smoke: 'python3 train.py --output {run_dir} --epochs 1 --step-seconds 0.01',
    checkpoints: 'checkpoint-*',
    resume: '--resume {checkpoint}',
    results: 'outputs',
    ...overrides,
  };
}

export interface ActionLab {
  lab: TestHosts;
  /** The first test host, for checks through the system ssh. */
  h: RemoteHost;
  /** A temporary directory for everything local; removed by stop(). */
  work: string;
  /** The sample project's copy (a git repo). */
  local: string;
  /** Where local run manifests go. */
  dataDir: string;
  config: Config;
  /** A held connection to the first host. */
  conn: SshConnection;
  stop(): Promise<void>;
}

/**
 * The real-host fixture every action test starts from: test hosts, a copy of the sample project,
 * a config with the projects `projects(local)` returns, one held connection. Whatever was started
 * is stopped again when a later step fails.
 */
export async function startActionLab(o: {
  prefix: string;
  hosts?: Parameters<typeof startTestHosts>[0];
  /** Where the sample project is copied (default work/sample). */
  projectDir?: (work: string) => string;
  projects: (local: string, work: string) => Record<string, unknown>;
}): Promise<ActionLab> {
  const parts: Parameters<typeof tearDownLab>[0] = { work: tempDir(o.prefix) };
  try {
    const lab = (parts.lab = await startTestHosts(o.hosts ?? { count: 1 }));
    const h = (parts.h = remoteHost(lab, lab.hosts[0]));
    const work = parts.work!;
    const target = o.projectDir?.(work) ?? path.join(work, 'sample');
    mkdirSync(path.dirname(target), { recursive: true });
    const local = copySampleProject(target);
    const config = labConfig(lab, o.projects(local, work));
    const conn = (parts.conn = await connect(config, h.alias));
    return { lab, h, work, local, dataDir: path.join(work, 'data'), config, conn, stop: () => tearDownLab(parts) };
  } catch (error) {
    await tearDownLab(parts);
    throw error;
  }
}

/** Everything a real-host action test starts, stopped in reverse order (each part may not exist if setup failed). */
export async function tearDownLab(parts: {
  conn?: { close(): void };
  h?: { close(): void };
  lab?: TestHosts;
  work?: string;
}): Promise<void> {
  parts.conn?.close();
  parts.h?.close();
  await parts.lab?.stop();
  if (parts.work) removeDir(parts.work);
}
