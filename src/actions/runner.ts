/**
 * Runs actions for the cockpit and the CLI: one run per start(), its output lines, progress,
 * questions and verdict kept in the actions store (batched: at most one update per flush
 * interval however fast a smoke test prints), cancellation through an AbortSignal, secrets
 * masked in everything it stores or reports. Errors end a run with a verdict; they never throw.
 */
import type { RunBackend } from '../backends/runBackend.js';
import { configuredBackend } from '../backends/select.js';
import { tmuxBackend } from '../backends/tmux/tmuxBackend.js';
import { ConfigError } from '../config/load.js';
import type { Config } from '../config/types.js';
import type { GpuSample } from '../parsers/nvidiaSmi.js';
import { configRedactor } from '../secrets/redact.js';
import type { Redactor } from '../secrets/secrets.js';
import { type ActionsStore, addRun, createActionsStore, patchRun, startedRun } from '../state/actionsStore.js';
import type { Transport } from '../transport/types.js';
import { contextQuestions } from './contextQuestions.js';
import { verdictForError } from './errorVerdict.js';
import { defaultDataDir } from './localManifests.js';
import { OutputBatch } from './outputBatch.js';
import { type ResolvedProject, resolveProject } from './project.js';
import { QuestionQueue } from './questionQueue.js';
import { ACTIONS, findAction } from './registry.js';
import {
  ActionCancelled,
  type ActionContext,
  type ActionDefinition,
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
  output: OutputBatch;
}

export class ActionRunner {
  readonly store: ActionsStore;
  private nextRunId = 0;
  private readonly active = new Map<number, ActiveRun>();
  private readonly questions: QuestionQueue;
  private readonly registry: readonly ActionDefinition[];

  constructor(private readonly options: RunnerOptions) {
    this.store = options.store ?? createActionsStore();
    this.registry = options.registry ?? ACTIONS;
    this.questions = new QuestionQueue(this.store, (runId) => this.active.has(runId));
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
      output: new OutputBatch(this.store, runId, this.options.flushMs ?? 50),
    };
    this.active.set(runId, run);
    addRun(
      this.store,
      startedRun({
        runId,
        action,
        title: def?.title ?? action,
        host: target.host,
        project: target.project ?? null,
        session: target.session ?? null,
        dryRun: Boolean(opts.dryRun),
        cancellable: def?.cancellable ?? false,
      }),
    );
    this.options.onEvent?.({ type: 'start', runId, action, host: target.host });
    const done = this.execute(runId, run, def, target, opts).then((v) => this.finish(runId, run, v));
    return { runId, done };
  }

  /** Cancels a run (Esc / x): its processes are stopped, its questions dismissed. */
  cancel(runId: number): void {
    const run = this.active.get(runId);
    if (!run) return;
    run.controller.abort();
    this.questions.dismissRun(runId);
  }

  /** Answers the question on screen: true/false for confirm, text or choice value (null = dismissed). */
  answer(questionId: number, value: boolean | string | null): void {
    this.questions.answer(questionId, value);
  }

  /** Cancels everything (on quit). */
  cancelAll(): void {
    for (const id of [...this.active.keys()]) this.cancel(id);
  }

  private questionFor(runId: number, question: Question): Promise<boolean | string | null> {
    return this.options.answerer ? this.options.answerer(question, runId) : this.questions.ask(runId, question);
  }

  private line(runId: number, run: ActiveRun, text: string, kind: OutputKind): void {
    const clean = run.redactor.redact(text);
    run.output.line(clean, kind);
    this.options.onEvent?.({ type: 'line', runId, text: clean, kind });
  }

  private setProgress(runId: number, run: ActiveRun, progress: ActionProgress | null): void {
    run.output.setProgress(progress);
    this.options.onEvent?.({ type: 'progress', runId, progress });
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
        ...contextQuestions({
          signal,
          assumeYes,
          dryRun: Boolean(opts.dryRun),
          redactor: run.redactor,
          output,
          ask: (q) => this.questionFor(runId, q),
        }),
        gpuSamples: () => this.options.gpuSamples?.(target.host) ?? null,
        withTerminal: (fn) => (this.options.withTerminal ? this.options.withTerminal(fn) : fn()),
        addSecrets: (values) => run.redactor.add(values),
        now: this.options.now ?? (() => new Date()),
      };
      if (signal.aborted) throw new ActionCancelled('cancelled', false); // cancelled before it began
      if (ctx.dryRun) output('(dry run: only read-only queries run; everything else is printed)', 'step');
      return await def.run(ctx);
    } catch (error) {
      return verdictForError(error, run.controller.signal.aborted);
    }
  }

  private finish(runId: number, run: ActiveRun, v: Verdict): Verdict {
    const clean: Verdict = {
      ...v,
      summary: run.redactor.redact(v.summary),
      details: v.details.map((d) => run.redactor.redact(d)),
      hint: v.hint === null ? null : run.redactor.redact(v.hint),
    };
    run.output.flush();
    this.active.delete(runId);
    this.questions.dismissRun(runId);
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
