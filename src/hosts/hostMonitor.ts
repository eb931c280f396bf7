import { configuredBackend, rememberScheduler } from '../backends/select.js';
import { schedulerOf } from '../backends/slurm/detect.js';
import { gpuStreamCommand } from '../commands/probes.js';
import { LOCAL_HOST } from '../config/load.js';
import type { Config, HostConfig } from '../config/types.js';
import { describeGpuFailure, type GpuSample, parseGpuLine } from '../parsers/nvidiaSmi.js';
import type { AskPassphrase } from '../ssh/auth.js';
import { SshConnection } from '../ssh/connection.js';
import { patchHost, recordGpuSample, setConnection, type TrainyardStore } from '../state/store.js';
import { LocalTransport } from '../transport/local.js';
import type { StreamHandle, Transport } from '../transport/types.js';
import { ClusterWatch } from './clusterWatch.js';
import { SessionsWatch } from './sessionsWatch.js';

/**
 * Lines of one nvidia-smi interval arrive together: a sample closes once the lines that arrived
 * together hold at least as many GPUs as the last sample (no timer: one wake-up fewer per host
 * per second), else after this gap.
 */
const SAMPLE_GAP_MS = 40;
/** After nvidia-smi fails (no GPU, driver error) it is tried again this much later. */
const GPU_RETRY_MS = 30_000;
/** A GPU stream silent this long (or 5 intervals, if longer) is reported as not answering. */
export const GPU_STALE_MS = 20_000;
/** How often the "not answering for N s" message is brought up to date while it lasts. */
const STALE_REPORT_STEP_MS = 10_000;

export interface HostMonitorOptions {
  askPassphrase?: AskPassphrase;
  /** Where GPU samples go; defaults to straight into the store. The fleet batches them. */
  gpuSink?: (alias: string, gpus: GpuSample[]) => void;
  backoff?: { baseMs: number; capMs: number; jitter: number };
  /** See GPU_STALE_MS (tests shorten it). */
  gpuStaleMs?: number;
}

/**
 * Watches one host: its connection state, one streaming GPU source and one sessions stream
 * (sessions and compute processes, see SessionsWatch), all written to the store. Streams restart
 * when the connection comes back.
 */
export class HostMonitor {
  readonly transport: Transport;
  readonly connection: SshConnection | null;
  private gpuStream: StreamHandle | null = null;
  private gpuRetry: NodeJS.Timeout | null = null;
  private readonly sessions: SessionsWatch;
  /** A Slurm login node's cluster, watched instead of its own GPUs and tmux sessions. */
  private readonly cluster: ClusterWatch;
  /** Whether the host is a Slurm login node: the config's word, else detected once connected. */
  private scheduler: 'slurm' | 'none' | null;
  private stopped = false;
  private firstProbeDone = false;
  private firstGpuDone = false;
  private readonly settledWaiters: (() => void)[] = [];
  private readonly gpuSink: (alias: string, gpus: GpuSample[]) => void;
  private readonly gpuStaleMs: number;
  private staleTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly host: HostConfig,
    private readonly config: Config,
    private readonly store: TrainyardStore,
    options: HostMonitorOptions = {},
  ) {
    this.gpuSink = options.gpuSink ?? ((alias, gpus) => recordGpuSample(store, alias, gpus));
    this.gpuStaleMs = Math.max(options.gpuStaleMs ?? GPU_STALE_MS, 5 * config.refreshSeconds * 1000);
    if (host.alias === LOCAL_HOST) {
      this.transport = new LocalTransport();
      this.connection = null;
    } else {
      this.connection = new SshConnection({
        alias: host.alias,
        sshConfig: config.sshConfig,
        keepalive: config.keepalive,
        trustNewHostKeys: config.trustNewHostKeys,
        askPassphrase: options.askPassphrase,
        backoff: options.backoff,
      });
      this.transport = this.connection;
    }
    this.sessions = new SessionsWatch(this.transport, store, host.alias, config.sessionsRefreshSeconds, () => {
      this.firstProbeDone = true;
      this.notifySettled();
    });
    this.cluster = new ClusterWatch(this.transport, store, host.alias, () => {
      this.firstProbeDone = true;
      this.firstGpuDone = true;
      this.notifySettled();
    });
    const configured = configuredBackend(config, host.alias);
    this.scheduler = configured ? (configured.kind === 'slurm' ? 'slurm' : 'none') : null;
  }

  get alias(): string {
    return this.host.alias;
  }

  start(): void {
    if (!this.connection) {
      setConnection(this.store, this.alias, { state: 'local', attempt: 0, nextRetryAt: null, error: null, hint: null });
      this.startProbes();
      return;
    }
    this.connection.on('state', (info) => {
      setConnection(this.store, this.alias, info);
      if (info.state === 'connected') this.startProbes();
      else if (info.state !== 'connecting' && info.state !== 'reconnecting') this.notifySettled();
    });
    this.connection.on('down', () => this.stopProbes());
    this.connection.start();
  }

  /** Resolves once the host has answered once (GPUs and sessions) or failed to connect. */
  settled(): Promise<void> {
    if (this.isSettled()) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  private isSettled(): boolean {
    const state = this.store.getState().hosts[this.alias]?.connection.state;
    if (state && !['connecting', 'reconnecting', 'connected', 'local'].includes(state)) return true;
    return this.firstProbeDone && this.firstGpuDone;
  }

  private notifySettled(): void {
    if (!this.isSettled()) return;
    for (const w of this.settledWaiters.splice(0)) w();
  }

  private startProbes(): void {
    if (this.stopped) return;
    this.stopProbes();
    if (this.scheduler === 'slurm') {
      this.cluster.start();
      return;
    }
    this.startGpuStream();
    this.sessions.start(this.scheduler === null ? (output) => this.detected(schedulerOf(output)) : undefined);
  }

  /**
   * The sessions stream asks whether the host is a Slurm login node after its first frame, so a
   * plain server shows as soon as ever, and no exec (each a login shell there) is spent on it.
   */
  private detected(answer: 'slurm' | 'none'): void {
    if (this.stopped || this.scheduler !== null) return;
    rememberScheduler(this.alias, answer);
    this.scheduler = answer;
    if (answer === 'slurm' && this.store.getState().hosts[this.alias]?.connection.state === 'connected') {
      patchHost(this.store, this.alias, { gpus: [], gpuError: null, processes: [], sessions: [], runFacts: {} });
      this.startProbes();
    }
  }

  private stopProbes(): void {
    this.cluster.stop();
    this.sessions.stop();
    if (this.gpuRetry) clearTimeout(this.gpuRetry);
    this.gpuRetry = null;
    this.clearStaleWatch();
    this.gpuStream?.cancel();
    this.gpuStream = null;
  }

  private clearStaleWatch(): void {
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.staleTimer = null;
  }

  /**
   * A wedged driver makes nvidia-smi stop printing without exiting. The stream is left alone (a
   * second nvidia-smi would hang too, and pile up), the host says so, and the next line it
   * prints clears the message.
   */
  private watchForSilence(handle: StreamHandle, lastLineAt: () => number): void {
    this.clearStaleWatch();
    const check = () => {
      this.staleTimer = null;
      if (this.gpuStream !== handle || this.stopped) return;
      const silentMs = Date.now() - lastLineAt();
      if (silentMs >= this.gpuStaleMs) {
        patchHost(this.store, this.alias, {
          gpuError: `nvidia-smi not answering for ${Math.round(silentMs / 1000)} s`,
        });
        this.firstGpuDone = true;
        this.notifySettled();
      }
      const next = silentMs >= this.gpuStaleMs ? STALE_REPORT_STEP_MS : this.gpuStaleMs - silentMs;
      this.staleTimer = setTimeout(check, next);
      this.staleTimer.unref?.();
    };
    this.staleTimer = setTimeout(check, this.gpuStaleMs);
    this.staleTimer.unref?.();
  }

  private startGpuStream(): void {
    let pending: GpuSample[] = [];
    let lastLineAt = Date.now();
    let flushTimer: NodeJS.Timeout | null = null;
    let gpusLastTime = 0;
    let closing = false;
    const other: string[] = [];
    const flush = () => {
      if (flushTimer) clearTimeout(flushTimer);
      flushTimer = null;
      if (pending.length === 0) return;
      const sample = pending.sort((a, b) => a.index - b.index);
      pending = [];
      gpusLastTime = sample.length;
      this.gpuSink(this.alias, sample);
      this.firstGpuDone = true;
      this.notifySettled();
    };
    const onLine = (line: string) => {
      lastLineAt = Date.now();
      const gpu = parseGpuLine(line);
      if (!gpu) {
        if (line.trim() && other.length < 20) other.push(line);
        return;
      }
      if (pending.some((g) => g.index === gpu.index)) flush();
      pending.push(gpu);
      if (closing) return;
      // after every line that arrived with this one
      closing = true;
      setImmediate(() => {
        closing = false;
        if (gpusLastTime > 0 && pending.length >= gpusLastTime) flush();
        else if (!flushTimer && pending.length > 0) flushTimer = setTimeout(flush, SAMPLE_GAP_MS);
      });
    };
    const handle = this.transport.stream(gpuStreamCommand(this.config.refreshSeconds * 1000), { onLine });
    this.gpuStream = handle;
    this.watchForSilence(handle, () => lastLineAt);
    void handle.done.then((result) => {
      if (this.gpuStream === handle) this.clearStaleWatch();
      flush();
      if (this.gpuStream !== handle || this.stopped) return; // cancelled on purpose
      this.gpuStream = null;
      if (result.signal === 'disconnected' || result.signal === 'not-connected') return; // the connection restarts it
      patchHost(this.store, this.alias, {
        gpuError: describeGpuFailure(result.code, other.join('\n')),
        gpus: [],
        gpuUpdatedAt: Date.now(),
      });
      this.firstGpuDone = true;
      this.notifySettled();
      this.gpuRetry = setTimeout(() => this.startGpuStream(), GPU_RETRY_MS);
    });
  }

  stop(): void {
    this.stopped = true;
    this.stopProbes();
    this.connection?.close();
    for (const w of this.settledWaiters.splice(0)) w();
  }
}
