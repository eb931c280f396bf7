/**
 * A scripted fake transport for tests that need no server: each expected command value is
 * matched in order and answered from the script. An unexpected command fails the test (the call
 * throws, and verify() reports it even when the code under test swallowed the error), and so
 * does an expectation left unused. Modelled on lazygit's FakeCmdObjRunner.
 *
 *   const t = new ScriptedTransport()
 *     .expect('trainyard-probe', { stdout: probeOutput({ home: '/h' }) })
 *     .expect('trainyard-launch', { code: 17 });
 *   …run the action with t…
 *   t.verify();
 */
import { commandLine, type ShellCommand } from '../../src/commands/value.js';
import type { ExecOptions, ExecResult, StreamHandle, StreamOptions, Transport } from '../../src/transport/types.js';

/**
 * Which command an expectation is for: a string is the script name of a `bash -c SCRIPT NAME …`
 * value (e.g. "trainyard-launch"), else the program (argv[0]); a RegExp is tried on the command
 * line; a function sees the value itself.
 */
export type CommandMatch = string | RegExp | ((command: ShellCommand) => boolean);

export type Answer =
  | Partial<ExecResult>
  | ((command: ShellCommand, options: ExecOptions | undefined) => Partial<ExecResult> | Promise<Partial<ExecResult>>);

/** A stream the test feeds by hand (live), or that plays its lines and ends. */
export interface StreamScript {
  lines?: string[];
  errLines?: string[];
  /** How it ends after its lines (default exit 0); omitted with `live: true`, the test ends it. */
  result?: Partial<ExecResult>;
  /** Leave it open: the test pushes lines through the returned feed. */
  live?: boolean;
}

export interface StreamFeed {
  line(text: string): void;
  errLine(text: string): void;
  end(result?: Partial<ExecResult>): void;
  /** True once the code under test cancelled the stream. */
  readonly cancelled: boolean;
  /** Resolves once the stream was opened. */
  readonly opened: Promise<void>;
}

interface Expectation {
  kind: 'exec' | 'stream';
  match: CommandMatch;
  answer?: Answer;
  stream?: StreamScript;
  feed?: FeedState;
}

interface FeedState {
  options: StreamOptions | null;
  finish: ((r: ExecResult) => void) | null;
  cancelled: boolean;
  pending: { err: boolean; text: string }[];
  ended: Partial<ExecResult> | null;
  opened: () => void;
}

/** The script name of `bash -c SCRIPT NAME …` / `sh -c SCRIPT NAME …`, else undefined. */
export function scriptName(command: ShellCommand): string | undefined {
  const [program, flag, , name] = command.argv;
  return (program === 'bash' || program === 'sh') && flag === '-c' ? name : undefined;
}

function describeMatch(m: CommandMatch): string {
  return typeof m === 'function' ? `a command matching ${m.name || 'a predicate'}` : String(m);
}

function matches(m: CommandMatch, command: ShellCommand): boolean {
  if (typeof m === 'string') return scriptName(command) === m || command.argv[0] === m;
  if (m instanceof RegExp) return m.test(commandLine(command));
  return m(command);
}

const full = (r: Partial<ExecResult>): ExecResult => ({ stdout: '', stderr: '', code: 0, ...r });

export class ScriptedTransport implements Transport {
  /** What a held connection reports; the action code reads it to tell a lost status from a dropped link. */
  info: { state: string; error: string | null } = { state: 'connected', error: null };
  /** Every command the code under test ran, in order. */
  readonly calls: ShellCommand[] = [];
  private readonly expectations: Expectation[] = [];
  private readonly problems: string[] = [];

  /** The next command must match; it is answered with `answer` (default: exit 0, no output). */
  expect(match: CommandMatch, answer: Answer = {}): this {
    this.expectations.push({ kind: 'exec', match, answer });
    return this;
  }

  /** The next command must be a stream matching `match`; it plays `script`. */
  expectStream(match: CommandMatch, script: StreamScript = {}): StreamFeed {
    const state: FeedState = {
      options: null,
      finish: null,
      cancelled: false,
      pending: [],
      ended: null,
      opened: () => {},
    };
    const opened = new Promise<void>((resolve) => (state.opened = resolve));
    this.expectations.push({ kind: 'stream', match, stream: script, feed: state });
    const push = (err: boolean, text: string) => {
      if (!state.options) state.pending.push({ err, text });
      else if (err) (state.options.onErrLine ?? state.options.onLine)(text);
      else state.options.onLine(text);
    };
    return {
      line: (text) => push(false, text),
      errLine: (text) => push(true, text),
      end: (result = {}) => {
        if (state.finish) state.finish(full(result));
        else state.ended = result;
      },
      get cancelled() {
        return state.cancelled;
      },
      opened,
    };
  }

  /** How many expectations are still waiting. */
  get remaining(): number {
    return this.expectations.length;
  }

  /** Fails when a command was unexpected or an expectation was never used. */
  verify(): void {
    const unused = this.expectations.map((e) => `expected ${e.kind} ${describeMatch(e.match)} was never run`);
    const all = [...this.problems, ...unused];
    if (all.length)
      throw new Error(
        `scripted transport:\n  ${all.join('\n  ')}\nran:\n  ${this.calls.map((c) => commandLine(c).slice(0, 160)).join('\n  ') || '(nothing)'}`,
      );
  }

  private next(kind: 'exec' | 'stream', command: ShellCommand): Expectation {
    this.calls.push(command);
    const e = this.expectations[0];
    if (!e || e.kind !== kind || !matches(e.match, command)) {
      const want = e ? `${e.kind} ${describeMatch(e.match)}` : 'nothing more';
      const problem = `unexpected ${kind} ${scriptName(command) ?? command.argv[0]} (${command.purpose ?? commandLine(command).slice(0, 120)}); expected ${want}`;
      this.problems.push(problem);
      throw new Error(problem);
    }
    this.expectations.shift();
    return e;
  }

  async exec(command: ShellCommand, options?: ExecOptions): Promise<ExecResult> {
    const e = this.next('exec', command);
    const answer = typeof e.answer === 'function' ? await e.answer(command, options) : (e.answer ?? {});
    return full(answer);
  }

  stream(command: ShellCommand, options: StreamOptions): StreamHandle {
    const e = this.next('stream', command);
    const state = e.feed as FeedState;
    const script = e.stream ?? {};
    state.options = options;
    const done = new Promise<ExecResult>((resolve) => (state.finish = resolve));
    for (const p of state.pending.splice(0)) (p.err ? (options.onErrLine ?? options.onLine) : options.onLine)(p.text);
    for (const l of script.lines ?? []) options.onLine(l);
    for (const l of script.errLines ?? []) (options.onErrLine ?? options.onLine)(l);
    if (state.ended) state.finish?.(full(state.ended));
    else if (!script.live) state.finish?.(full(script.result ?? {}));
    state.opened();
    return {
      cancel: () => {
        state.cancelled = true;
        state.finish?.({ stdout: '', stderr: '', code: null, signal: 'TERM' });
      },
      done,
    };
  }
}
