import { type ActionsStore, patchRun } from '../state/actionsStore.js';
import type { Question } from './types.js';

interface Waiting {
  id: number;
  runId: number;
  question: Question;
  resolve: (value: boolean | string | null) => void;
}

/**
 * The questions actions put to the user: one on screen at a time (the store's `question`), the
 * others waiting behind it in order. A run with a question open shows as 'waiting'.
 */
export class QuestionQueue {
  private nextId = 0;
  private readonly waiting: Waiting[] = [];

  constructor(
    private readonly store: ActionsStore,
    /** Whether the run is still going (a finished run's status is left alone). */
    private readonly isActive: (runId: number) => boolean,
  ) {}

  /** Asks; resolves with true/false for confirm, the value (or null) for input and choice. */
  ask(runId: number, question: Question): Promise<boolean | string | null> {
    return new Promise((resolve) => {
      const id = ++this.nextId;
      this.waiting.push({ id, runId, question, resolve });
      patchRun(this.store, runId, { status: 'waiting' });
      if (!this.store.getState().question) this.store.setState({ question: { id, runId, question } });
    });
  }

  /** Answers one question (null = dismissed) and puts the next one on screen. */
  answer(id: number, value: boolean | string | null): void {
    const i = this.waiting.findIndex((q) => q.id === id);
    if (i < 0) return;
    const [q] = this.waiting.splice(i, 1);
    q.resolve(value);
    const next = this.waiting[0];
    this.store.setState({ question: next ? { id: next.id, runId: next.runId, question: next.question } : null });
    if (this.isActive(q.runId) && !this.waiting.some((w) => w.runId === q.runId))
      patchRun(this.store, q.runId, { status: 'running' });
  }

  /** Dismisses every question of a run (cancelled or finished). */
  dismissRun(runId: number): void {
    for (const q of this.waiting.filter((w) => w.runId === runId)) this.answer(q.id, null);
  }
}
