import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';
import type { ShellCommand } from '../../src/commands/value.js';
import {
  parseTailRecord,
  type TailCommandOptions,
  type TailPosition,
  type TailRecord,
  tailCommand,
} from '../../src/logs/tailCommand.js';
import { LocalTransport } from '../../src/transport/local.js';
import type { ExecResult, StreamHandle, StreamOptions, Transport } from '../../src/transport/types.js';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export { waitFor } from '../support/waitFor.js';

const made: string[] = [];
// Registered while the importing test file is collected: runs after that file's tests.
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory, removed after the test file's tests. */
export function tempDir(prefix = 'trainyard-logs-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export const FAST: TailCommandOptions = { initialBytes: null, lineCap: 4096, pollSeconds: 0.05 };

/** Runs the real remote tail script on this machine and collects its records. */
export function runTail(
  file: string,
  position: TailPosition = { inode: null, offset: 0, skipFirst: false },
  options: Partial<TailCommandOptions> = {},
  env?: NodeJS.ProcessEnv,
) {
  const records: TailRecord[] = [];
  const raw: string[] = [];
  const stderr: string[] = [];
  const handle = new LocalTransport(env).stream(tailCommand(file, position, { ...FAST, ...options }), {
    onLine: (line) => {
      raw.push(line);
      const r = parseTailRecord(line);
      if (r) records.push(r);
    },
    onErrLine: (line) => stderr.push(line),
  });
  const lines = () => records.filter((r): r is Extract<TailRecord, { kind: 'line' }> => r.kind === 'line');
  return { records, raw, stderr, handle, lines, stop: () => handle.cancel() };
}

/** Byte offsets just past each newline of a buffer. */
export function lineEnds(buf: Buffer): number[] {
  const out: number[] = [];
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) out.push(i + 1);
  return out;
}

/**
 * A transport whose streams can be cut as a dropped link cuts them (done resolves with signal
 * 'disconnected', the process is killed), with an SshConnection-like 'state' event source.
 */
export class FlakyTransport extends EventEmitter implements Transport {
  readonly inner = new LocalTransport();
  isReady = true;
  streams = 0;
  private live = new Set<{ cut: () => void }>();

  exec(command: ShellCommand) {
    if (!this.isReady)
      return Promise.resolve<ExecResult>({ stdout: '', stderr: 'not connected', code: null, signal: 'not-connected' });
    return this.inner.exec(command);
  }

  stream(command: ShellCommand, options: StreamOptions): StreamHandle {
    this.streams++;
    if (!this.isReady)
      return {
        cancel() {},
        done: Promise.resolve({ stdout: '', stderr: 'not connected', code: null, signal: 'not-connected' }),
      };
    let cut = false;
    const onLine = options.onLine;
    const h = this.inner.stream(command, { ...options, onLine: (l) => !cut && onLine(l) });
    let resolveCut!: (r: ExecResult) => void;
    const cutP = new Promise<ExecResult>((r) => (resolveCut = r));
    const entry = {
      cut: () => {
        cut = true;
        h.cancel();
        resolveCut({ stdout: '', stderr: '', code: null, signal: 'disconnected' });
      },
    };
    this.live.add(entry);
    const done = Promise.race([h.done, cutP]).finally(() => this.live.delete(entry));
    return { cancel: () => h.cancel(), done };
  }

  linkDown(): void {
    this.isReady = false;
    for (const s of [...this.live]) s.cut();
    this.emit('state', { state: 'reconnecting' });
  }

  linkUp(): void {
    this.isReady = true;
    this.emit('state', { state: 'connected' });
  }
}
