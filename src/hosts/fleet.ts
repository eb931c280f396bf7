import type { CockpitController } from '../cockpit/controller.js';
import type { Config } from '../config/types.js';
import type { AskPassphrase } from '../ssh/auth.js';
import { SampleBatcher } from '../state/sampleBatcher.js';
import { createTrainyardStore, type TrainyardStore } from '../state/store.js';
import { HostMonitor, type HostMonitorOptions } from './hostMonitor.js';

/** Every configured host's monitor, over one store: the core the TUI and the CLI commands share. */
export class Fleet implements CockpitController {
  readonly store: TrainyardStore;
  readonly monitors: HostMonitor[];
  private readonly batcher: SampleBatcher;
  private promptId = 0;
  private readonly promptAnswers = new Map<number, (value: string | null) => void>();

  constructor(
    readonly config: Config,
    options: HostMonitorOptions & { interactive?: boolean } = {},
  ) {
    this.store = createTrainyardStore(config.hosts);
    const askPassphrase: AskPassphrase | undefined = options.interactive
      ? (keyPath) => this.ask(`Passphrase for ${keyPath}`)
      : undefined;
    this.batcher = new SampleBatcher(this.store, Math.min(1000, config.refreshSeconds * 1000));
    const gpuSink = this.batcher.add.bind(this.batcher);
    this.monitors = config.hosts.map(
      (h) => new HostMonitor(h, config, this.store, { ...options, askPassphrase, gpuSink }),
    );
  }

  start(): void {
    for (const m of this.monitors) m.start();
  }

  monitor(alias: string): HostMonitor | undefined {
    return this.monitors.find((m) => m.alias === alias);
  }

  /** Waits until every host answered once or failed, at most timeoutMs. */
  async settled(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.monitors.map((m) => m.settled())),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    this.batcher.flush();
  }

  /** Prompts serialise: one question on screen at a time. */
  private ask(message: string): Promise<string | null> {
    const id = ++this.promptId;
    return new Promise((resolve) => {
      this.promptAnswers.set(id, resolve);
      if (!this.store.getState().prompt) this.store.setState({ prompt: { id, kind: 'passphrase', message } });
    });
  }

  answerPrompt(id: number, value: string | null): void {
    const resolve = this.promptAnswers.get(id);
    this.promptAnswers.delete(id);
    resolve?.(value);
    const next = [...this.promptAnswers.keys()][0];
    this.store.setState({
      prompt: next === undefined ? null : { id: next, kind: 'passphrase', message: 'Passphrase' },
    });
  }

  retryNow(alias: string): void {
    this.monitor(alias)?.connection?.retryNow();
  }

  async shutdown(): Promise<void> {
    for (const m of this.monitors) m.stop();
    this.batcher.stop();
    for (const resolve of this.promptAnswers.values()) resolve(null);
    this.promptAnswers.clear();
  }
}
