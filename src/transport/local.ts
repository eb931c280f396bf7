import { execa, type ResultPromise } from 'execa';
import { commandLine } from '../commands/value.js';
import { LineSplitter, type ExecOptions, type ExecResult, type ShellCommand, type StreamHandle, type StreamOptions, type Transport } from './types.js';

/** The local machine as a host: the same command lines, run by `sh -c` through execa. */
export class LocalTransport implements Transport {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async exec(command: ShellCommand, options: ExecOptions = {}): Promise<ExecResult> {
    const child = execa('sh', ['-c', commandLine(command)], {
      reject: false,
      input: options.stdin ?? command.stdin ?? '',
      timeout: options.timeoutMs,
      cancelSignal: options.signal,
      env: this.env,
      extendEnv: false,
      stripFinalNewline: false,
      detached: true,
      forceKillAfterDelay: 1000,
    });
    const result = await child;
    return {
      stdout: String(result.stdout ?? ''),
      stderr: String(result.stderr ?? ''),
      code: result.exitCode ?? null,
      signal: result.signal ?? undefined,
    };
  }

  stream(command: ShellCommand, options: StreamOptions): StreamHandle {
    const child: ResultPromise = execa('sh', ['-c', commandLine(command)], {
      reject: false,
      stdin: 'ignore',
      buffer: false,
      env: this.env,
      extendEnv: false,
      detached: true, // its own process group, so cancel() reaches every child of the shell
    });
    const out = new LineSplitter(options.onLine, options.splitCarriageReturn, { onProgress: options.onProgress });
    const err = new LineSplitter(options.onErrLine ?? options.onLine, options.splitCarriageReturn, { onProgress: options.onProgress });
    child.stdout?.setEncoding('utf8').on('data', (d: string) => out.push(d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => err.push(d));
    const done = child.then((result) => {
      out.end();
      err.end();
      return { stdout: '', stderr: '', code: result.exitCode ?? null, signal: result.signal ?? undefined };
    });
    return {
      cancel: () => {
        if (child.pid !== undefined) {
          try {
            process.kill(-child.pid, 'SIGTERM');
          } catch {
            // already gone
          }
        }
      },
      done,
    };
  }
}
