import { createStore, type StoreApi } from 'zustand/vanilla';
import { MARKER_PREFIX, sanitizeLine } from '../text/sanitise.js';
import type { ExecResult, StreamHandle } from '../transport/types.js';
import { LineFanout, type LinesListener } from './lineFanout.js';
import type { LogTailOptions, LogTailState, LogTailStatus } from './logTailState.js';
import { LineRing } from './ringBuffer.js';
import { parseTailRecord, type TailPosition, type TailRecord, tailCommand } from './tailCommand.js';

export type { LinesListener } from './lineFanout.js';
export type { LinkEvents, LogTailOptions, LogTailState, LogTailStatus } from './logTailState.js';

const FIRST_RETRY_MS = 200;

/**
 * A live tail of one remote log over a host's held connection. It resumes after a reconnect from
 * the byte offset after the last complete line it handed out, so nothing is shown twice and
 * nothing is skipped; it follows rotation and truncation. Lines land in a ring buffer and the
 * store is updated in batches, at most every flushMs, whatever the log's rate.
 */
export class LogTail {
  readonly lines: LineRing;
  readonly store: StoreApi<LogTailState>;
  private readonly options: Required<Omit<LogTailOptions, 'link' | 'from'>> & Pick<LogTailOptions, 'link'>;
  private position: TailPosition;
  private handle: StreamHandle | null = null;
  private readonly fanout = new LineFanout();
  private partial: string | null = null;
  private status: LogTailStatus = 'starting';
  private error: string | null = null;
  private received = 0;
  private resumes = 0;
  private stderr: string[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = FIRST_RETRY_MS;
  private gotRecord = false;
  private started = false;
  private stopped = false;
  private readonly onLinkState = (info: { state: string }) => {
    if (info.state === 'connected' && !this.handle && !this.stopped && this.status === 'disconnected') this.resume();
  };

  constructor(options: LogTailOptions) {
    this.options = {
      transport: options.transport,
      file: options.file,
      link: options.link,
      capacity: options.capacity ?? 10_000,
      capacityBytes: options.capacityBytes ?? 4 * 1024 * 1024,
      initialBytes: options.initialBytes === undefined ? 512 * 1024 : options.initialBytes,
      flushMs: options.flushMs ?? 100,
      lineCap: options.lineCap ?? 4096,
      pollSeconds: options.pollSeconds ?? 0.25,
      keepColors: options.keepColors ?? true,
      maxRetryMs: options.maxRetryMs ?? 5000,
      redact: options.redact ?? ((text) => text),
    };
    this.lines = new LineRing(this.options.capacity, this.options.capacityBytes);
    this.position = options.from ? { ...options.from } : { inode: null, offset: 0, skipFirst: false };
    this.store = createStore<LogTailState>()(() => this.snapshot(0));
  }

  get file(): string {
    return this.options.file;
  }

  /** Where a new tail would resume: the inode and the offset after the last complete line shown. */
  get resumePosition(): TailPosition {
    return { ...this.position };
  }

  /**
   * Called with each batch of new lines (sanitised, markers excluded), in order, every line once:
   * one batch per chunk of stream data, right after it was read (the lines are not kept, so they
   * die young; see LineRing).
   */
  onLines(listener: LinesListener): () => void {
    return this.fanout.add(listener);
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.options.link?.on('state', this.onLinkState);
    this.open();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.options.link?.off('state', this.onLinkState);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const handle = this.handle;
    this.handle = null;
    handle?.cancel();
    this.status = 'stopped';
    this.flush();
  }

  private open(): void {
    if (this.stopped) return;
    this.retryTimer = null;
    this.gotRecord = false;
    this.stderr = [];
    const command = tailCommand(this.options.file, this.position, {
      initialBytes: this.options.initialBytes,
      lineCap: this.options.lineCap,
      pollSeconds: this.options.pollSeconds,
    });
    let handle: StreamHandle;
    try {
      handle = this.options.transport.stream(command, {
        onLine: (line) => {
          if (this.handle === handle) this.onRecordLine(line);
        },
        onErrLine: (line) => {
          if (this.handle === handle && line.trim() && this.stderr.length < 20) this.stderr.push(line);
        },
      });
    } catch (error) {
      this.ended({ stdout: '', stderr: (error as Error).message, code: null, signal: 'not-connected' });
      return;
    }
    this.handle = handle;
    void handle.done.then(
      (result) => {
        if (this.handle !== handle || this.stopped) return;
        this.handle = null;
        this.ended(result);
      },
      (error: Error) => {
        if (this.handle !== handle || this.stopped) return;
        this.handle = null;
        this.ended({ stdout: '', stderr: error.message, code: null, signal: 'not-connected' });
      },
    );
  }

  private onRecordLine(line: string): void {
    const record = parseTailRecord(line);
    if (!record) return; // a record cut short by a dropped link, or noise: its line comes again on resume
    this.gotRecord = true;
    this.retryMs = FIRST_RETRY_MS;
    this.apply(record);
    this.scheduleFlush();
  }

  private apply(record: TailRecord): void {
    switch (record.kind) {
      case 'line': {
        const text = sanitizeLine(this.options.redact(record.text), { keepColors: this.options.keepColors });
        this.push(text);
        this.fanout.push(text);
        this.position.offset = record.end;
        this.position.skipFirst = false;
        this.partial = null;
        break;
      }
      case 'partial':
        this.partial = sanitizeLine(this.options.redact(record.text), { keepColors: this.options.keepColors });
        break;
      case 'follow':
        if (record.why === 'resume') this.resumes++;
        if (record.why === 'rotated' || record.why === 'truncated') {
          this.push(`${MARKER_PREFIX}log ${record.why}: reading it from the start`);
          this.partial = null;
        }
        this.position = { inode: record.inode, offset: record.offset, skipFirst: record.skipFirst };
        this.status = 'following';
        this.error = null;
        break;
      case 'missing':
        this.status = 'waiting-for-file';
        break;
      case 'error':
        this.stderr.unshift(record.message);
        break;
    }
  }

  private push(line: string): void {
    this.lines.push(line);
    this.received++;
  }

  private ended(result: ExecResult): void {
    if (this.stopped) return;
    const lostLink = result.signal === 'disconnected' || result.signal === 'not-connected';
    if (lostLink) {
      this.status = 'disconnected';
      this.error = null;
    } else {
      this.status = 'error';
      const said = [...this.stderr, result.stderr]
        .map((s) => s.trim())
        .filter(Boolean)
        .join('\n');
      this.error =
        said || `tail command ended (${result.code === null ? (result.signal ?? 'killed') : `exit ${result.code}`})`;
    }
    this.flush();
    if (!this.gotRecord) this.retryMs = Math.min(this.options.maxRetryMs, this.retryMs * 2);
    const linkDown = lostLink && this.options.link && this.options.link.isReady === false;
    // While the link is down, 'state' → connected resumes at once; the timer is a safety net.
    this.retryTimer = setTimeout(() => this.resume(), linkDown ? this.options.maxRetryMs : this.retryMs);
    this.retryTimer.unref?.();
  }

  private resume(): void {
    if (this.stopped || this.handle) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.status === 'disconnected' && this.options.link?.isReady === false) {
      // Still down: 'state' → connected will call again; the timer only guards against a missed event.
      this.retryTimer = setTimeout(() => this.resume(), this.options.maxRetryMs);
      this.retryTimer.unref?.();
      return;
    }
    this.open();
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), this.options.flushMs);
  }

  /** Publishes the state: one store update however many lines came since the last one. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.fanout.deliver();
    const before = this.store.getState();
    const next = this.snapshot(before.version + 1);
    if (
      before.received === next.received &&
      before.status === next.status &&
      before.error === next.error &&
      before.partial === next.partial &&
      before.resumes === next.resumes &&
      before.position.inode === next.position.inode
    )
      return;
    this.store.setState(next, true);
  }

  private snapshot(version: number): LogTailState {
    return {
      status: this.status,
      error: this.error,
      version,
      received: this.received,
      partial: this.partial,
      position: { ...this.position },
      resumes: this.resumes,
    };
  }
}
