import type { ActionTarget } from '../actions/runner.js';
import type { ActionId } from '../actions/types.js';
import type { LogTail } from '../logs/logTail.js';
import type { MetricsCollector } from '../logs/metrics.js';
import type { RunsPollerApi } from '../runs/runsPoller.js';
import type { ActionsStore } from '../state/actionsStore.js';
import type { WatchdogPollerApi } from '../watchdog/poller.js';

/** What the Ink views may ask of the core; they never touch connections directly. */
export interface CockpitController {
  /** Reconnect a host now instead of waiting out its back-off. */
  retryNow(alias: string): void;
  /** Answers the pending prompt (null = cancelled). */
  answerPrompt(id: number, value: string | null): void;
  /** Closes every connection and stream. */
  shutdown(): Promise<void>;
}

/** The part of the action runner (src/actions/runner.ts) the views use; ActionRunner fits. */
export interface ActionsController {
  readonly store: ActionsStore;
  start(action: ActionId, target: ActionTarget): unknown;
  cancel(runId: number): void;
  answer(questionId: number, value: boolean | string | null): void;
}

/** A session's log, opened: the tail (and metrics fed from it) until close(). */
export interface OpenedLog {
  tail: LogTail;
  metrics: MetricsCollector;
  /** The log's path on the host. */
  file: string;
  close(): void;
}

export type OpenLogResult = OpenedLog | { error: string };

/** How a view suspends itself and hands the terminal to fn (Ink's suspendTerminal). */
export type SuspendTerminal = (fn: () => Promise<void>) => Promise<void>;

/** What the cockpit offers beyond monitoring: actions, logs and the watchdog. Every part is optional. */
export interface CockpitServices {
  actions?: ActionsController;
  /** Opens the trainyard log of a session (one exec for its run manifest, then a live tail). */
  openLog?(alias: string, session: string): Promise<OpenLogResult>;
  watchdog?: WatchdogPollerApi;
  /** Every run on every host (the Runs pane and the header's summary). */
  runs?: RunsPollerApi;
  /** How often GPUs are sampled: figures older than a few intervals are shown as stale. */
  gpuIntervalMs?: number;
  /** The App hands over Ink's suspendTerminal once mounted (null when it goes). */
  bindTerminal?(suspend: SuspendTerminal | null): void;
}
