/**
 * The shape of a cockpit action: one key on the selected host/session, a run(ctx) that reports
 * output lines and progress, asks questions through the context, honours cancellation, and
 * ends in a verdict. The CLI and the cockpit run the same definitions (src/actions/registry.ts)
 * through the same runner (src/actions/runner.ts).
 */
import type { RunBackend } from '../backends/runBackend.js';
import type { Config } from '../config/types.js';
import type { GpuSample } from '../parsers/nvidiaSmi.js';
import type { Transport } from '../transport/types.js';
import type { ResolvedProject } from './project.js';

export type ActionId = 'sync' | 'smoke' | 'launch' | 'restart' | 'pull' | 'attach' | 'stop' | 'clear';

/** What one output line is, so a pane can colour it: command output, a step, a warning, a dry-run command. */
export type OutputKind = 'out' | 'err' | 'step' | 'warn' | 'command';

export interface ActionProgress {
  /** 0..1, or null when unknown (an indeterminate bar). */
  fraction: number | null;
  /** What the bar is about, e.g. "sending code". */
  label: string;
  bytes?: number;
  /** e.g. "12.3MB/s" */
  rate?: string;
  /** e.g. "0:00:04" */
  eta?: string;
}

/** A question the action needs answered before it goes on. The UI shows it and calls runner.answer(). */
export type Question =
  | {
      kind: 'confirm';
      title: string;
      message: string;
      /** Lines to show (e.g. the files --delete would remove), possibly many: show them scrollable. */
      details: string[];
      /** Destructive questions default to No and should be drawn in the warning colour. */
      destructive: boolean;
    }
  | { kind: 'input'; title: string; message: string; defaultValue: string; validate?: (value: string) => string | null }
  | {
      kind: 'choice';
      title: string;
      message: string;
      choices: { value: string; label: string }[];
      defaultValue: string;
    };

export type Outcome = 'ok' | 'failed' | 'cancelled' | 'declined';

export interface Verdict {
  outcome: Outcome;
  /** One line: what happened. */
  summary: string;
  /** More lines worth showing (loss trend, files, protected paths). */
  details: string[];
  /** What the user can do next, when something failed. */
  hint: string | null;
  /** A machine-readable cause, e.g. "cuda-oom" for a smoke test. */
  cause?: string;
  /** Action-specific facts (the session launched, bytes sent, …) for callers and tests. */
  data?: Record<string, unknown>;
}

export interface ActionParams {
  /** launch/restart: the new session's name (default: project + short id). */
  session?: string;
  /** launch/restart: "all", "least-used", "least-used:N" or "0,2" (default: the project's "gpus", else all). */
  gpus?: string;
  /** restart: the run to restart from (default: the selected session, else the project's newest run). */
  from?: string;
  /** attach: "here" or "new-window" (inside a local tmux only; asked when not given). */
  where?: 'here' | 'new-window';
  /** launch: parameter values (--param NAME=VALUE), over the project's "params" defaults. */
  runParams?: Record<string, string>;
  /** launch: the sweep the run belongs to. */
  sweep?: string | null;
  /** pull: only this run's directory. */
  run?: string;
  /** launch: milliseconds to wait before checking that the session still runs (0: do not check). */
  verifyMs?: number;
  /** launch/restart: who starts the run, recorded in its manifest (the MCP server passes 'agent'). */
  by?: 'user' | 'agent' | 'queue';
}

export interface ActionContext {
  readonly action: ActionId;
  readonly config: Config;
  /** The host alias the action works on. */
  readonly host: string;
  /** That host's transport: the held SSH connection (or the local machine). */
  readonly transport: Transport;
  /** How that host holds runs (tmux sessions today): launch, list, stop and attach go through it. */
  readonly backend: RunBackend;
  readonly project: ResolvedProject | null;
  /** The selected tmux session, when the action is about one. */
  readonly session: string | null;
  readonly params: ActionParams;
  readonly signal: AbortSignal;
  readonly dryRun: boolean;
  /** --yes: every confirmation is answered yes. */
  readonly assumeYes: boolean;
  /** Where local run manifests go (…/trainyard; runs/ below it). */
  readonly dataDir: string;
  /** The local environment (secrets come from here; $TMUX tells attach it is inside tmux). */
  readonly env: NodeJS.ProcessEnv;
  output(line: string, kind?: OutputKind): void;
  progress(progress: ActionProgress | null): void;
  /** Resolves true for yes (always with --yes). */
  confirm(question: Omit<Extract<Question, { kind: 'confirm' }>, 'kind'>): Promise<boolean>;
  /** Input/choice questions; null when dismissed. Without a person to ask, the default is taken. */
  ask(question: Exclude<Question, { kind: 'confirm' }>): Promise<string | null>;
  /** The newest GPU sample of this host from the store, or null (then nvidia-smi is asked once). */
  gpuSamples(): GpuSample[] | null;
  /** Hands the terminal to fn (the cockpit suspends itself around it). */
  withTerminal<T>(fn: () => Promise<T>): Promise<T>;
  /** Values that must never be shown: every later output line has them masked. */
  addSecrets(values: Iterable<string>): void;
  /** Wall clock, replaceable in tests. */
  now(): Date;
}

export interface ActionDefinition {
  id: ActionId;
  title: string;
  /** One line for the help overlay. */
  help: string;
  /** project: 'unless-session' = a selected session names its project through its manifest (restart). */
  needs: { project: boolean | 'unless-session'; session: boolean };
  /** Asks y/N before it changes or removes something the user may want. */
  destructive: boolean;
  /** Long-running: shows progress and can be cancelled. */
  cancellable: boolean;
  /** Takes over the terminal (attach). */
  terminal: boolean;
  run(ctx: ActionContext): Promise<Verdict>;
}

/** A failure an action reports in words (what failed, what to do), never as a stack trace. */
export class ActionFailure extends Error {
  constructor(
    message: string,
    readonly hint: string | null = null,
    readonly cause_?: string,
  ) {
    super(message);
    this.name = 'ActionFailure';
  }
}

/** Thrown when the user answers no or the action's signal aborts. */
export class ActionCancelled extends Error {
  constructor(
    message: string,
    readonly declined: boolean,
  ) {
    super(message);
    this.name = 'ActionCancelled';
  }
}

export const verdict = {
  ok: (summary: string, details: string[] = [], data?: Record<string, unknown>): Verdict => ({
    outcome: 'ok',
    summary,
    details,
    hint: null,
    data,
  }),
  failed: (
    summary: string,
    hint: string | null,
    details: string[] = [],
    cause?: string,
    data?: Record<string, unknown>,
  ): Verdict => ({ outcome: 'failed', summary, details, hint, cause, data }),
};
