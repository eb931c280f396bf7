/**
 * Runs actions for the cockpit and the CLI: one run per start(), its output lines, progress,
 * questions and verdict kept in the actions store (batched: at most one update per flush
 * interval however fast a smoke test prints), cancellation through an AbortSignal, secrets
 * masked in everything it stores or reports. Errors end a run with a verdict; they never throw.
 */
import { type RunBackend, RunBackendError } from '../backends/runBackend.js';
import { configuredBackend } from '../backends/select.js';
import { tmuxBackend } from '../backends/tmux/tmuxBackend.js';
import { RsyncArgumentError } from '../commands/rsync.js';
import { ConfigError } from '../config/load.js';
import type { Config } from '../config/types.js';
import type { GpuSample } from '../parsers/nvidiaSmi.js';
import { configRedactor } from '../secrets/redact.js';
import { type Redactor, SecretsError } from '../secrets/secrets.js';
import { type ActionsStore, addRun, appendLines, createActionsStore, patchRun } from '../state/actionsStore.js';
import type { Transport } from '../transport/types.js';
import { defaultDataDir } from './localManifests.js';
import { type ResolvedProject, resolveProject } from './project.js';
import { ACTIONS, findAction } from './registry.js';
import {
  ActionCancelled,
  type ActionContext,
  type ActionDefinition,
  ActionFailure,
  type ActionId,
  type ActionParams,
  type ActionProgress,
  type OutputKind,
  type Question,
  type Verdict,
} from './types.js';

export interface ActionTarget {
  host: string;
  /** The project name; when missing and needed, the only project is used or the user is asked. */
  project?: string | null;
  /** The selected tmux session. */
  session?: string | null;
  params?: ActionParams;
}

export interface StartOptions {
  dryRun?: boolean;
  /** Answer every confirmation with yes (--yes). */
  assumeYes?: boolean;
}

export type RunnerEvent =
  | { type: 'start'; runId: number; action: ActionId; host: string }
  | { type: 'line'; runId: number; text: string; kind: OutputKind }
  | { type: 'progress'; runId: number; progress: ActionProgress | null }
  | { type: 'done'; runId: number; verdict: Verdict };

/** Answers a question: true/false for confirm, the value (or null) for input and choice. */
export type Answerer = (question: Question, runId: number) => Promise<boolean | string | null>;

export interface RunnerOptions {
  config: Config;
  store?: ActionsStore;
  /** The host's transport: the cockpit passes its monitors' held connections. Rejects when the host cannot be reached. */
  transportFor(host: string): Transport | Promise<Transport>;
  /** How a host holds runs. Default: tmux sessions on every host. */
  backendFor?(host: string, transport: Transport): RunBackend | Promise<RunBackend>;
  /** The store's newest GPU sample for a host. */
  gpuSamples?(host: string): GpuSample[] | null;
  /** Suspends the UI around fn (the cockpit: Ink's suspendTerminal). Default: just fn(). */
  withTerminal?<T>(fn: () => Promise<T>): Promise<T>;
  /** Who answers questions. Default: the UI, through store.question and answer(). */
  answerer?: Answerer;
  /** Every line, progress update and verdict as it happens (the CLI prints them). */
  onEvent?(event: RunnerEvent): void;
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  registry?: readonly ActionDefinition[];
  /** Output batching interval for the store, ms (default 50). */
  flushMs?: number;
}

interface ActiveRun {
  controller: AbortController;
  redactor: Redactor;
  pending: { text: string; kind: OutputKind }[];
  flushTimer: NodeJS.Timeout | null;
  progress: ActionProgress | null | undefined;
}

interface Waiting {
  id: number;
  runId: number;
  question: Question;
  resolve: (value: boolean | string | null) => void;
}

export class ActionRunner {
  readonly store: ActionsStore;
  private nextRunId = 0;
  private nextQuestionId = 0;
  private readonly active = new Map<number, ActiveRun>();
  private readonly questions: Waiting[] = [];
  private readonly registry: readonly ActionDefinition[];

  constructor(private readonly options: RunnerOptions) {
    this.store = options.store ?? createActionsStore();
    this.registry = options.registry ?? ACTIONS;
  }

  /** The actions that make sense for a selection: session actions only with a session selected. */
  available(selection: { session?: string | null }): ActionDefinition[] {
    return this.registry.filter((a) => !a.needs.session || Boolean(selection.session));
  }

  isRunning(runId: number): boolean {
    return this.active.has(runId);
  }

  /** Runs still going on a host (the cockpit may show them busy, or refuse a second sync). */
  activeOn(host: string): number[] {
    const runs = this.store.getState().runs;
    return [...this.active.keys()].filter((id) => runs[id]?.host === host);
  }

  /** Starts an action; the run is in the store at once. `done` never rejects. */
  start(action: ActionId, target: ActionTarget, opts: StartOptions = {}): { runId: number; done: Promise<Verdict> } {
    const def = this.registry.find((a) => a.id === action) ?? findAction(action);
    const runId = ++this.nextRunId;
    // every project's known secrets are masked from the start, not only once an action writes its own
    const run: ActiveRun = {
      controller: new AbortController(),
      redactor: configRedactor(this.options.config, this.options.env ?? process.env),
      pending: [],
      flushTimer: null,
      progress: undefined,
    };
    this.active.set(runId, run);
    addRun(this.store, {
      runId,
      action,
      title: def?.title ?? action,
      host: target.host,
      project: target.project ?? null,
      session: target.session ?? null,
      dryRun: Boolean(opts.dryRun),
      status: 'running',
      cancellable: def?.cancellable ?? false,
      progress: null,
      lines: [],
      droppedLines: 0,
      verdict: null,
      startedAt: Date.now(),
      endedAt: null,
    });
    this.options.onEvent?.({ type: 'start', runId, action, host: target.host });
    const done = this.execute(runId, run, def, target, opts).then((v) => this.finish(runId, run, v));
    return { runId, done };
  }

  /** Cancels a run (Esc / x): its processes are stopped, its questions dismissed. */
  cancel(runId: number): void {
    const run = this.active.get(runId);
    if (!run) return;
    run.controller.abort();
    for (const q of this.questions.filter((w) => w.runId === runId)) this.settleQuestion(q.id, null);
  }

  /** Answers the question on screen: true/false for confirm, text or choice value (null = dismissed). */
  answer(questionId: number, value: boolean | string | null): void {
    this.settleQuestion(questionId, value);
  }

  /** Cancels everything (on quit). */
  cancelAll(): void {
    for (const id of [...this.active.keys()]) this.cancel(id);
  }

  private settleQuestion(id: number, value: boolean | string | null): void {
    const i = this.questions.findIndex((q) => q.id === id);
    if (i < 0) return;
    const [q] = this.questions.splice(i, 1);
    q.resolve(value);
    const next = this.questions[0];
    this.store.setState({ question: next ? { id: next.id, runId: next.runId, question: next.question } : null });
    if (this.active.has(q.runId) && !this.questions.some((w) => w.runId === q.runId))
      patchRun(this.store, q.runId, { status: 'running' });
  }

  private questionFor(runId: number, question: Question): Promise<boolean | string | null> {
    if (this.options.answerer) return this.options.answerer(question, runId);
    return new Promise((resolve) => {
      const id = ++this.nextQuestionId;
      this.questions.push({ id, runId, question, resolve });
      patchRun(this.store, runId, { status: 'waiting' });
      if (!this.store.getState().question) this.store.setState({ question: { id, runId, question } });
    });
  }

  private line(runId: number, run: ActiveRun, text: string, kind: OutputKind): void {
    const clean = run.redactor.redact(text);
    run.pending.push({ text: clean, kind });
    this.options.onEvent?.({ type: 'line', runId, text: clean, kind });
    if (!run.flushTimer) run.flushTimer = setTimeout(() => this.flush(runId, run), this.options.flushMs ?? 50);
  }

  private flush(runId: number, run: ActiveRun): void {
    if (run.flushTimer) clearTimeout(run.flushTimer);
    run.flushTimer = null;
    const lines = run.pending.splice(0);
    const progress = run.progress;
    run.progress = undefined;
    if (lines.length && progress !== undefined) {
      appendLines(this.store, runId, lines);
      patchRun(this.store, runId, { progress });
    } else if (lines.length) appendLines(this.store, runId, lines);
    else if (progress !== undefined) patchRun(this.store, runId, { progress });
  }

  private setProgress(runId: number, run: ActiveRun, progress: ActionProgress | null): void {
    run.progress = progress;
    this.options.onEvent?.({ type: 'progress', runId, progress });
    if (!run.flushTimer) run.flushTimer = setTimeout(() => this.flush(runId, run), this.options.flushMs ?? 50);
  }

  /** The project last picked, offered first next time. */
  private lastProject: string | null = null;

  private async chooseProject(runId: number, def: ActionDefinition, target: ActionTarget): Promise<string | null> {
    if (target.project) return target.project;
    if (!def.needs.project || (def.needs.project === 'unless-session' && target.session)) return null;
    const names = Object.keys(this.options.config.projects);
    if (names.length === 0) {
      throw new ConfigError(this.options.config.file, [
        'projects is empty — fix: add "projects": {"NAME": {"local": "~/NAME", "remote": "/work/NAME", "train": "python train.py"}}',
      ]);
    }
    if (names.length === 1) return names[0];
    const answer = await this.questionFor(runId, {
      kind: 'choice',
      title: def.title,
      message: `${def.title}: which project?`,
      choices: names.map((n) => ({ value: n, label: n })),
      defaultValue: this.lastProject !== null && names.includes(this.lastProject) ? this.lastProject : names[0],
    });
    if (typeof answer !== 'string') throw new ActionCancelled('no project chosen', true);
    this.lastProject = answer;
    return answer;
  }

  private async execute(
    runId: number,
    run: ActiveRun,
    def: ActionDefinition | undefined,
    target: ActionTarget,
    opts: StartOptions,
  ): Promise<Verdict> {
    const output = (text: string, kind: OutputKind = 'out') => this.line(runId, run, text, kind);
    try {
      if (!def) return { outcome: 'failed', summary: 'unknown action', details: [], hint: null };
      if (def.needs.session && !target.session)
        return {
          outcome: 'failed',
          summary: `${def.title} needs a session`,
          details: [],
          hint: 'select a tmux session first',
        };
      const projectName = await this.chooseProject(runId, def, target);
      const project: ResolvedProject | null = projectName
        ? resolveProject(this.options.config, projectName, target.host)
        : null;
      if (projectName) patchRun(this.store, runId, { project: projectName });
      let transport: Transport;
      try {
        transport = await this.options.transportFor(target.host);
      } catch (error) {
        return {
          outcome: 'failed',
          summary: `${target.host} is not reachable: ${(error as Error).message}`,
          details: [],
          hint: 'check the host with: trainyard doctor',
          cause: 'not-connected',
        };
      }
      const signal = run.controller.signal;
      const assumeYes = Boolean(opts.assumeYes);
      const ctx: ActionContext = {
        action: def.id,
        config: this.options.config,
        host: target.host,
        transport,
        backend: this.options.backendFor
          ? await this.options.backendFor(target.host, transport)
          : (configuredBackend(this.options.config, target.host) ?? tmuxBackend),
        project,
        session: target.session ?? null,
        params: target.params ?? {},
        signal,
        dryRun: Boolean(opts.dryRun),
        assumeYes,
        dataDir: this.options.dataDir ?? defaultDataDir(this.options.env),
        env: this.options.env ?? process.env,
        output,
        progress: (p) => this.setProgress(runId, run, p),
        confirm: async (q) => {
          if (signal.aborted) throw new ActionCancelled('cancelled', false);
          if (assumeYes) {
            output(`${q.message} — yes (--yes)`, 'warn');
            return true;
          }
          if (opts.dryRun) {
            // a dry run goes on as if yes, to show the commands that would follow
            output(`would ask: ${q.message} — taken as yes for the dry run`, 'warn');
            return true;
          }
          const a = await this.questionFor(runId, {
            kind: 'confirm',
            ...q,
            message: run.redactor.redact(q.message),
            details: q.details.map((d) => run.redactor.redact(d)),
          });
          if (signal.aborted) throw new ActionCancelled('cancelled', false);
          return a === true;
        },
        ask: async (q) => {
          if (signal.aborted) throw new ActionCancelled('cancelled', false);
          const a = await this.questionFor(runId, q);
          if (signal.aborted) throw new ActionCancelled('cancelled', false);
          return typeof a === 'string' ? a : null;
        },
        gpuSamples: () => this.options.gpuSamples?.(target.host) ?? null,
        withTerminal: (fn) => (this.options.withTerminal ? this.options.withTerminal(fn) : fn()),
        addSecrets: (values) => run.redactor.add(values),
        now: this.options.now ?? (() => new Date()),
      };
      if (signal.aborted) throw new ActionCancelled('cancelled', false); // cancelled before it began
      if (ctx.dryRun) output('(dry run: only read-only queries run; everything else is printed)', 'step');
      return await def.run(ctx);
    } catch (error) {
      if (error instanceof ActionCancelled || run.controller.signal.aborted) {
        const declined = error instanceof ActionCancelled && error.declined;
        return {
          outcome: declined ? 'declined' : 'cancelled',
          summary: declined ? `not done: ${(error as Error).message}` : 'cancelled',
          details: [],
          hint: null,
        };
      }
      if (error instanceof ActionFailure)
        return { outcome: 'failed', summary: error.message, details: [], hint: error.hint, cause: error.cause_ };
      if (error instanceof ConfigError)
        return {
          outcome: 'failed',
          summary: `config problem in ${error.file}`,
          details: error.problems,
          hint: 'fix the config file, then try again',
          cause: 'config',
        };
      if (error instanceof RunBackendError)
        return { outcome: 'failed', summary: error.message, details: [], hint: error.hint };
      if (error instanceof RsyncArgumentError)
        return { outcome: 'failed', summary: error.message, details: [], hint: null, cause: 'config' };
      if (error instanceof SecretsError)
        return { outcome: 'failed', summary: error.message, details: [], hint: error.hint, cause: 'secrets' };
      return {
        outcome: 'failed',
        summary: `internal error: ${(error as Error)?.message ?? String(error)}`,
        details: [],
        hint: 'please report this with the output above',
      };
    }
  }

  private finish(runId: number, run: ActiveRun, v: Verdict): Verdict {
    const clean: Verdict = {
      ...v,
      summary: run.redactor.redact(v.summary),
      details: v.details.map((d) => run.redactor.redact(d)),
      hint: v.hint === null ? null : run.redactor.redact(v.hint),
    };
    this.flush(runId, run);
    this.active.delete(runId);
    for (const q of this.questions.filter((w) => w.runId === runId)) this.settleQuestion(q.id, null);
    patchRun(this.store, runId, {
      status: clean.outcome,
      verdict: clean,
      progress: null,
      cancellable: false,
      endedAt: Date.now(),
    });
    this.options.onEvent?.({ type: 'done', runId, verdict: clean });
    return clean;
  }
}
