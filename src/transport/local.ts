import type { ResultPromise } from 'execa';
import { commandLine } from '../commands/value.js';
import { loadExeca } from '../shell/loadExeca.js';
import { DEFAULT_EXEC_TIMEOUT_MS, MAX_EXEC_OUTPUT_BYTES, stopForOutputCap, watchExecLimits } from './limits.js';
import {
  type ExecOptions,
  type ExecResult,
  LineSplitter,
  type ShellCommand,
  type StreamHandle,
  type StreamOptions,
  type Transport,
} from './types.js';

/** Kills a detached child's whole process group (it leads one), children included. */
function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** The local machine as a host: the same command lines, run by `sh -c` through execa. */
export class LocalTransport implements Transport {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async exec(command: ShellCommand, options: ExecOptions = {}): Promise<ExecResult> {
    const cap = options.maxOutputBytes ?? MAX_EXEC_OUTPUT_BYTES;
    const timeoutMs = options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    const { execa } = await loadExeca();
    const child = execa('sh', ['-c', commandLine(command)], {
      reject: false,
      input: options.stdin ?? command.stdin ?? '',
      env: this.env,
      extendEnv: false,
      stripFinalNewline: false,
      detached: true, // its own process group, so a time limit reaches every child of the shell
      maxBuffer: cap,
    });
    let stopped: { signal: string; reason: string } | null = null;
    const stop = (signal: string, reason: string) => {
      stopped ??= { signal, reason };
      killGroup(child.pid, 'SIGKILL');
    };
    const unwatch = watchExecLimits(timeoutMs, options.signal, stop);
    const result = await child;
    unwatch();
    if (result.isMaxBuffer) stopForOutputCap(stop, cap);
    const stdout = String(result.stdout ?? '');
    const stderr = String(result.stderr ?? '');
    const s = stopped as { signal: string; reason: string } | null;
    if (s)
      return {
        stdout,
        stderr: `${stderr}\n(${s.reason})`,
        code: null,
        signal: s.signal,
        ...(result.isMaxBuffer ? { truncated: true } : {}),
      };
    return { stdout, stderr, code: result.exitCode ?? null, signal: result.signal ?? undefined };
  }

  stream(command: ShellCommand, options: StreamOptions): StreamHandle {
    let child: ResultPromise | null = null;
    let cancelled = false;
    const out = new LineSplitter(options.onLine, options.splitCarriageReturn, { onProgress: options.onProgress });
    const err = new LineSplitter(options.onErrLine ?? options.onLine, options.splitCarriageReturn, {
      onProgress: options.onProgress,
    });
    const done = loadExeca().then(async ({ execa }) => {
      // cancelled before execa had loaded: nothing was started
      if (cancelled) return { stdout: '', stderr: '', code: null, signal: 'SIGTERM' };
      const running = execa('sh', ['-c', commandLine(command)], {
        reject: false,
        stdin: 'ignore',
        buffer: false,
        env: this.env,
        extendEnv: false,
        detached: true, // its own process group, so cancel() reaches every child of the shell
      });
      child = running;
      running.stdout?.setEncoding('utf8').on('data', (d: string) => out.push(d));
      running.stderr?.setEncoding('utf8').on('data', (d: string) => err.push(d));
      const result = await running;
      out.end();
      err.end();
      return { stdout: '', stderr: '', code: result.exitCode ?? null, signal: result.signal ?? undefined };
    });
    return {
      cancel: () => {
        cancelled = true;
        killGroup(child?.pid, 'SIGTERM');
      },
      done,
    };
  }
}
