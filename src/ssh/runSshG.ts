/**
 * Runs `ssh -G` (sshGArgv's argv). Every host resolves at once at start-up, and each process
 * Node starts costs its main thread 3–4 ms (it forks the whole cockpit): 32 of them took
 * 110–145 ms just before the first handshake could start. So aliases asked for in the same turn
 * of the event loop, with the same config, are run from one small `sh`, which starts their
 * `ssh -G` side by side and says which one finished; a lone alias is run directly, as before.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LineSplitter } from '../transport/lineSplitter.js';

export const SSH_G_TIMEOUT_MS = 10_000;

export interface SshGResult {
  stdout: string;
  stderr: string;
  /** Why it failed (exit status, no answer, could not be run), or null. */
  failure: string | null;
}

/** The argv of `ssh -G` (BATCH_SCRIPT runs the same, with `-F "$cfg" -G "$h"`). */
function sshGArgv(sshConfig: string, destination: string, extra: string[] = []): string[] {
  return ['ssh', '-F', sshConfig, '-G', ...extra, destination];
}

/** One `ssh -G` with Node's own execFile (execa costs three times the CPU per spawn). */
function runOne(argv: string[]): Promise<SshGResult> {
  const [cmd, ...args] = argv;
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: SSH_G_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      let failure: string | null = null;
      if (error) {
        const { code, signal, killed } = error as NodeJS.ErrnoException & { signal?: string; killed?: boolean };
        failure =
          typeof code === 'number'
            ? `ssh -G exited ${code}`
            : killed || signal
              ? `ssh -G did not answer within ${SSH_G_TIMEOUT_MS / 1000} s (${signal ?? 'killed'})`
              : `${cmd} could not be run (${code ?? error.message})`;
      }
      resolve({ stdout, stderr, failure });
    });
  });
}

/**
 * $1 the folder for the answers, $2 the config, then the aliases. Each `ssh -G` writes its
 * output to files named by its number, then its number and exit status go to stdout (one short
 * line: written whole), so each alias is answered as soon as its own `ssh -G` is done.
 */
const BATCH_SCRIPT = [
  'd=$1; cfg=$2; shift 2',
  'command -v ssh >/dev/null 2>&1 || exit 127',
  'i=0',
  'for h; do i=$((i + 1)); { ssh -F "$cfg" -G "$h" >"$d/$i.out" 2>"$d/$i.err"; echo "$i $?"; } & done',
  'wait',
].join('\n');

/** `ssh -G` for each alias (one config, no extra options), from one `sh`; exported for tests. */
export function runSshGBatch(
  sshConfig: string,
  aliases: string[],
  timeoutMs = SSH_G_TIMEOUT_MS,
): Promise<SshGResult>[] {
  const answers = aliases.map(() => {
    let resolve!: (r: SshGResult) => void;
    const promise = new Promise<SshGResult>((r) => (resolve = r));
    return { promise, resolve, done: false };
  });
  const answer = (i: number, result: SshGResult) => {
    const a = answers[i];
    if (!a || a.done) return;
    a.done = true;
    a.resolve(result);
  };
  let dir = '';
  let child: ChildProcess;
  try {
    dir = mkdtempSync(path.join(tmpdir(), 'trainyard-ssh-g-'));
    // its own process group, so that a timeout stops every `ssh -G` it started, not only sh
    child = spawn('/bin/sh', ['-c', BATCH_SCRIPT, 'sh', dir, sshConfig, ...aliases], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    if (dir) rmSync(dir, { recursive: true, force: true });
    return aliases.map((alias) => runOne(sshGArgv(sshConfig, alias)));
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }, timeoutMs);
  const read = (file: string) => {
    try {
      return readFileSync(path.join(dir, file), 'utf8');
    } catch {
      return '';
    }
  };
  const lines = new LineSplitter((line) => {
    const m = /^(\d+) (\d+)$/.exec(line);
    if (!m) return;
    const n = Number(m[1]);
    const code = Number(m[2]);
    answer(n - 1, {
      stdout: read(`${n}.out`),
      stderr: read(`${n}.err`),
      failure: code === 0 ? null : `ssh -G exited ${code}`,
    });
  });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => lines.push(chunk));
  const finish = (why: string) => {
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
    for (let i = 0; i < answers.length; i++) answer(i, { stdout: '', stderr: '', failure: why });
  };
  child.on('error', (error: NodeJS.ErrnoException) => finish(`sh could not be run (${error.code ?? error.message})`));
  child.on('close', (code, signal) =>
    finish(
      timedOut
        ? `ssh -G did not answer within ${timeoutMs / 1000} s (SIGKILL)`
        : code === 127
          ? 'ssh could not be run (not found on PATH)'
          : `ssh -G gave no answer (sh ended with ${signal ?? code})`,
    ),
  );
  return answers.map((a) => a.promise);
}

interface Waiting {
  alias: string;
  resolve: (r: SshGResult) => void;
}

const waiting = new Map<string, Waiting[]>();
let flushScheduled = false;

function flush(): void {
  flushScheduled = false;
  const groups = [...waiting];
  waiting.clear();
  for (const [sshConfig, group] of groups) {
    if (group.length === 1) {
      void runOne(sshGArgv(sshConfig, group[0].alias)).then(group[0].resolve);
      continue;
    }
    runSshGBatch(
      sshConfig,
      group.map((w) => w.alias),
    ).forEach((promise, i) => void promise.then(group[i].resolve));
  }
}

/**
 * `ssh -G` for one destination: with `extra` options (a hop's -l/-p) alone, else together with
 * the other aliases asked for in this turn of the event loop.
 */
export function runSshG(sshConfig: string, destination: string, extra: string[] = []): Promise<SshGResult> {
  if (extra.length > 0) return runOne(sshGArgv(sshConfig, destination, extra));
  return new Promise((resolve) => {
    const group = waiting.get(sshConfig) ?? [];
    group.push({ alias: destination, resolve });
    waiting.set(sshConfig, group);
    if (flushScheduled) return;
    flushScheduled = true;
    setImmediate(flush);
  });
}
