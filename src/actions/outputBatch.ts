import { type ActionsStore, appendLines, patchRun } from '../state/actionsStore.js';
import type { ActionProgress, OutputKind } from './types.js';

/**
 * One run's output lines and progress on their way to the actions store: written at most once
 * per interval, however fast a smoke test prints (one store update, one frame).
 */
export class OutputBatch {
  private pending: { text: string; kind: OutputKind }[] = [];
  /** undefined: no progress news since the last flush. */
  private progress: ActionProgress | null | undefined = undefined;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: ActionsStore,
    private readonly runId: number,
    private readonly intervalMs: number,
  ) {}

  line(text: string, kind: OutputKind): void {
    this.pending.push({ text, kind });
    this.schedule();
  }

  setProgress(progress: ActionProgress | null): void {
    this.progress = progress;
    this.schedule();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const lines = this.pending.splice(0);
    const progress = this.progress;
    this.progress = undefined;
    if (lines.length) appendLines(this.store, this.runId, lines);
    if (progress !== undefined) patchRun(this.store, this.runId, { progress });
  }

  private schedule(): void {
    if (!this.timer) this.timer = setTimeout(() => this.flush(), this.intervalMs);
  }
}
