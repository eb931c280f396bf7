/**
 * Runs command values: remote ones over the host's transport, local ones as argv (no shell).
 * In a dry run a command that changes something is printed, not run; read-only ones run so the
 * printed commands after them are exact (the checkpoint a restart would resume from, …).
 */
import type { CommandExec } from '../backends/runBackend.js';
import { describeCommand, type LocalCommand, type RemoteCommand } from '../commands/value.js';
import { loadExeca } from '../shell/loadExeca.js';
import { NotConnectedError } from '../ssh/connection.js';
import { type ExecResult, LineSplitter, type StreamHandle, type Transport } from '../transport/types.js';
import { ActionCancelled, ActionFailure, type OutputKind } from './types.js';

export interface ActionIo {
  transport: Transport;
  dryRun: boolean;
  signal: AbortSignal;
  output(line: string, kind?: OutputKind): void;
}

export interface RunResult extends ExecResult {
  /** True when the dry run printed the command instead of running it. */
  dry?: boolean;
}

function printDry(io: Pick<ActionIo, 'output'>, command: RemoteCommand | LocalCommand): void {
  for (const line of describeCommand(command).split('\n')) io.output(line, 'command');
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new ActionCancelled('cancelled', false);
}

async function execOnce(io: ActionIo, command: RemoteCommand, opts: { timeoutMs?: number }): Promise<ExecResult> {
  try {
    return await io.transport.exec(command, { stdin: command.stdin, timeoutMs: opts.timeoutMs, signal: io.signal });
  } catch (error) {
    if (error instanceof NotConnectedError)
      throw new ActionFailure(
        `${command.host} is not connected: ${error.message}`,
        'wait for the host to come back (the Hosts pane shows why it is down), or check it with: trainyard doctor',
        'not-connected',
      );
    throw new ActionFailure(
      `${command.host}: ${(error as Error).message}`,
      'check the host with: trainyard doctor',
      'not-connected',
    );
  }
}

const stillConnected = (t: Transport) => {
  const info = (t as { info?: { state: string } }).info;
  return info === undefined || info.state === 'connected';
};

/**
 * A remote command over the held connection. Network trouble becomes an ActionFailure. A
 * result without an exit status on a connection that is still up means the status was lost
 * (the ssh2 exec race described in the report), not that the command failed: a command that may
 * run twice is run again; for the others the failure says so (cause "lost-exit-status").
 */
export async function runCommand(
  io: ActionIo,
  command: RemoteCommand,
  opts: { timeoutMs?: number } = {},
): Promise<RunResult> {
  throwIfAborted(io.signal);
  if (io.dryRun) {
    printDry(io, command);
    if (!command.readOnly) return { stdout: '', stderr: '', code: 0, dry: true };
  }
  let result = await execOnce(io, command, opts);
  throwIfAborted(io.signal);
  const lost = (r: ExecResult) => r.code === null && !r.signal;
  if (lost(result) && stillConnected(io.transport) && (command.readOnly || command.idempotent)) {
    result = await execOnce(io, command, opts);
    throwIfAborted(io.signal);
  }
  if (lost(result)) {
    if (stillConnected(io.transport)) {
      throw new ActionFailure(
        `${command.host}: "${command.purpose}" ended without an exit status`,
        'look at the host (the Sessions pane), then run the action again',
        'lost-exit-status',
      );
    }
    const why =
      (io.transport as { info?: { error: string | null } }).info?.error ??
      (result.stderr.trim().split('\n').pop() || 'connection lost');
    throw new ActionFailure(
      `${command.host}: the connection dropped while running "${command.purpose}" (${why})`,
      'run the action again once the host is back',
      'not-connected',
    );
  }
  return result;
}

/** runCommand for a run backend: the same dry runs, retries and failures. */
export function backendExec(io: ActionIo): CommandExec {
  return (command, opts) => runCommand(io, command, opts);
}

/** A long remote command with its output as lines (the smoke test); lines rewritten with \r (tqdm) reach onProgress. */
export function streamCommand(
  io: ActionIo,
  command: RemoteCommand,
  onLine: (line: string, kind: OutputKind) => void,
  onProgress?: (text: string) => void,
): StreamHandle {
  if (io.dryRun) {
    printDry(io, command);
    return { cancel: () => {}, done: Promise.resolve({ stdout: '', stderr: '', code: 0 }) };
  }
  return io.transport.stream(command, {
    onLine: (l) => onLine(l, 'out'),
    onErrLine: (l) => onLine(l, 'err'),
    onProgress,
  });
}

export interface LocalRun {
  code: number | null;
  signal: string | null;
  cancelled: boolean;
  /** The last lines of stdout and stderr (for messages). */
  tail: string[];
  dry?: boolean;
}

/**
 * A local argv, without a shell, in its own process group so cancelling stops its children
 * too (rsync's ssh). stdout/stderr arrive as lines; splitCr for rsync's \r progress updates.
 */
export async function runLocal(
  io: Pick<ActionIo, 'dryRun' | 'signal' | 'output'>,
  command: LocalCommand,
  opts: {
    onLine?: (line: string, stream: 'out' | 'err') => void;
    splitCr?: boolean;
    timeoutMs?: number;
    cwd?: string;
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<LocalRun> {
  throwIfAborted(io.signal);
  if (io.dryRun) {
    printDry(io, command);
    if (!command.readOnly) return { code: 0, signal: null, cancelled: false, tail: [], dry: true };
  }
  const [file, ...args] = command.argv;
  const { execa } = await loadExeca();
  throwIfAborted(io.signal); // cancelled while execa loaded
  const child = execa(file, args, {
    reject: false,
    stdin: 'ignore',
    buffer: false,
    detached: true,
    cwd: opts.cwd,
    env: opts.env,
    timeout: opts.timeoutMs,
  });
  const tail: string[] = [];
  const keep = (line: string, stream: 'out' | 'err') => {
    tail.push(line);
    if (tail.length > 200) tail.shift();
    opts.onLine?.(line, stream);
  };
  const out = new LineSplitter((l) => keep(l, 'out'), opts.splitCr);
  const err = new LineSplitter((l) => keep(l, 'err'), opts.splitCr);
  child.stdout?.setEncoding('utf8').on('data', (d: string) => out.push(d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => err.push(d));
  let cancelled = false;
  const kill = () => {
    cancelled = true;
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  io.signal.addEventListener('abort', kill, { once: true });
  const result = await child;
  io.signal.removeEventListener('abort', kill);
  out.end();
  err.end();
  if (result.failed && result.exitCode === undefined && !result.signal && !cancelled) {
    const why =
      (result as { code?: string }).code === 'ENOENT'
        ? `${file} is not installed here`
        : String(result.message ?? 'failed to start').split('\n')[0];
    throw new ActionFailure(
      `cannot run ${file}: ${why}`,
      file === 'rsync' ? 'install rsync (apt-get install rsync / brew install rsync)' : null,
    );
  }
  return { code: result.exitCode ?? null, signal: result.signal ?? null, cancelled, tail };
}

/** Reads a local argv's whole stdout (small read-only queries: git). */
export async function readLocal(
  command: LocalCommand,
  cwd?: string,
): Promise<{ code: number | null; bytes: Buffer; stdout: string }> {
  const [file, ...args] = command.argv;
  const { execa } = await loadExeca();
  const r = await execa(file, args, {
    reject: false,
    stdin: 'ignore',
    cwd,
    encoding: 'buffer',
    maxBuffer: 256 * 1024 * 1024,
  });
  const bytes = Buffer.from((r.stdout ?? new Uint8Array()) as Uint8Array);
  return { code: r.exitCode ?? null, bytes, stdout: bytes.toString('utf8') };
}
