import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { ClientChannel, Client as ClientType } from 'ssh2';
import { dieWithChannel, loginShellLine } from '../shell/quote.js';
import type { ConnectionInfo } from '../state/store.js';
import type {
  ExecOptions,
  ExecResult,
  ShellCommand,
  StreamHandle,
  StreamOptions,
  Transport,
} from '../transport/types.js';
import type { AskPassphrase } from './auth.js';
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
import { collectExec, streamLines, watchExit } from './channelIo.js';
import { classify, type Failure, forwardTo, openClient } from './openClient.js';
import { openProxyCommand } from './proxyCommand.js';
import { type ResolvedHost, resolveHost } from './resolve.js';
import { Semaphore } from './semaphore.js';
import { onWake } from './wakeDetector.js';

export interface ConnectionOptions {
  alias: string;
  sshConfig: string;
  keepalive: { intervalSeconds: number; countMax: number };
  trustNewHostKeys: boolean;
  askPassphrase?: AskPassphrase;
  /** Channels this app may hold open at once; OpenSSH's MaxSessions is 10. */
  maxChannels?: number;
  backoff?: BackoffPolicy;
}

export class NotConnectedError extends Error {}

/**
 * One persistent SSH connection to one host, with its own reconnect loop and channel budget.
 * Everything that talks to the host (probes, actions) goes through exec() and stream() here.
 */
export class SshConnection extends EventEmitter implements Transport {
  info: ConnectionInfo = { state: 'connecting', attempt: 0, nextRetryAt: null, error: null, hint: null };
  resolved: ResolvedHost | null = null;
  private client: ClientType | null = null;
  private jumps: ClientType[] = [];
  private ready = false;
  private everConnected = false;
  private closed = false;
  private attempt = 0;
  private generation = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private channels: Semaphore;
  private readonly openChannels = new Set<ClientChannel>();
  private readonly stopWake: () => void;

  constructor(readonly options: ConnectionOptions) {
    super();
    this.channels = new Semaphore(options.maxChannels ?? 6);
    this.stopWake = onWake(() => this.retryNow());
  }

  get isReady(): boolean {
    return this.ready;
  }

  get channelsInUse(): number {
    return this.channels.inUse;
  }

  start(): void {
    void this.connect();
  }

  /** Skips the back-off wait (after a wake from sleep, or when the user asks). */
  retryNow(): void {
    if (this.closed || this.ready || !this.retryTimer) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempt = 0;
    void this.connect();
  }

  /** Resolves when connected; rejects on close or after timeoutMs. */
  whenReady(timeoutMs: number): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.off('state', onState);
        this.off('closed', onClosed);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(
        () => finish(new NotConnectedError(`${this.options.alias}: ${this.info.error ?? 'not connected'}`)),
        timeoutMs,
      );
      const onState = (info: ConnectionInfo) => info.state === 'connected' && finish();
      const onClosed = () => finish(new NotConnectedError(`${this.options.alias}: closed`));
      this.on('state', onState);
      this.on('closed', onClosed);
    });
  }

  private setInfo(info: Partial<ConnectionInfo>): void {
    this.info = { ...this.info, ...info };
    this.emit('state', this.info);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const generation = ++this.generation;
    this.retryTimer = null;
    this.setInfo({ state: this.everConnected ? 'reconnecting' : 'connecting', nextRetryAt: null });
    const open = (host: ResolvedHost, sock: Duplex | undefined) =>
      openClient(host, sock, { ...this.options, isCurrent: () => generation === this.generation });
    try {
      const target = await resolveHost(this.options.sshConfig, this.options.alias);
      this.resolved = target;
      // ProxyJump: hop 1 directly, then each next hop (and finally the target) through the previous one.
      const chain = [
        ...(await Promise.all(target.proxyJump.map((hop) => resolveHost(this.options.sshConfig, hop)))),
        target,
      ];
      let sock: Duplex | undefined = chain[0].proxyCommand ? await openProxyCommand(chain[0]) : undefined;
      for (let i = 0; i < chain.length - 1; i++) {
        const hopClient = await open(chain[i], sock);
        this.jumps.push(hopClient);
        sock = await forwardTo(hopClient, chain[i + 1]);
      }
      if (generation !== this.generation || this.closed) return;
      const client = await open(target, sock);
      if (generation !== this.generation || this.closed) {
        client.end();
        return;
      }
      this.client = client;
      // ssh2 leaves Nagle's algorithm on: each small request would wait ~40-100 ms for an ACK.
      client.setNoDelay(true);
      this.ready = true;
      this.everConnected = true;
      this.attempt = 0;
      this.setInfo({ state: 'connected', attempt: 0, error: null, hint: null, nextRetryAt: null });
      client.on('close', () => this.lost(generation, 'connection closed'));
      client.on('error', (err) => this.lost(generation, err.message));
    } catch (error) {
      if (generation !== this.generation) return;
      this.teardown();
      const failure = (error as { failure?: Failure }).failure ?? classify(error as Error, this.everConnected);
      this.scheduleRetry(failure);
    }
  }

  private lost(generation: number, why: string): void {
    if (generation !== this.generation || this.closed || !this.ready) return;
    this.teardown();
    this.scheduleRetry({ state: 'reconnecting', error: `connection lost: ${why}`, hint: null });
  }

  private teardown(): void {
    this.ready = false;
    for (const ch of [...this.openChannels]) ch.destroy();
    this.openChannels.clear();
    // A fresh budget for the next connection; commands still waiting for the old one give up.
    const old = this.channels;
    this.channels = new Semaphore(old.size);
    old.drain();
    this.client?.removeAllListeners('close');
    this.client?.removeAllListeners('error');
    this.client?.on('error', () => {});
    this.client?.end();
    this.client = null;
    for (const j of this.jumps) j.end();
    this.jumps = [];
    this.emit('down');
  }

  private scheduleRetry(failure: Failure): void {
    if (this.closed) return;
    this.attempt++;
    // Refusals a person has to fix (keys, auth) are retried at the slowest pace, so a fix heals by itself.
    const slow = ['hostkey-unknown', 'hostkey-changed', 'auth-failed', 'passphrase-needed'].includes(failure.state);
    const policy = this.options.backoff ?? DEFAULT_BACKOFF;
    const delay = slow ? policy.capMs : backoffDelay(this.attempt, policy);
    this.setInfo({
      state: failure.state,
      error: failure.error,
      hint: failure.hint,
      attempt: this.attempt,
      nextRetryAt: Date.now() + delay,
    });
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref?.();
  }

  private async openChannel(command: string): Promise<ClientChannel> {
    if (!this.ready || !this.client) throw new NotConnectedError(`${this.options.alias} is not connected`);
    const budget = this.channels;
    await budget.acquire();
    // sshd frees a session slot a moment after the channel closes, so a burst can still meet
    // "open failed" (MaxSessions): wait a little and try again rather than fail the command.
    for (let attempt = 0; ; attempt++) {
      const client = this.client;
      if (!this.ready || !client || budget !== this.channels) {
        budget.release();
        throw new NotConnectedError(`${this.options.alias} is not connected`);
      }
      try {
        const channel = await new Promise<ClientChannel>((resolve, reject) => {
          client.exec(command, (err, ch) => {
            if (err) return reject(err);
            watchExit(ch);
            resolve(ch);
          });
        });
        this.openChannels.add(channel);
        channel.once('close', () => {
          this.openChannels.delete(channel);
          budget.release();
        });
        return channel;
      } catch (error) {
        if (attempt < 4 && /open failed/i.test((error as Error).message)) {
          await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
          continue;
        }
        budget.release();
        throw error;
      }
    }
  }

  async exec(command: ShellCommand, options: ExecOptions = {}): Promise<ExecResult> {
    const channel = await this.openChannel(loginShellLine(command.argv));
    return collectExec(channel, options.stdin ?? command.stdin ?? '', options);
  }

  stream(command: ShellCommand, options: StreamOptions): StreamHandle {
    let channel: ClientChannel | null = null;
    let cancelled = false;
    const done = this.openChannel(loginShellLine(dieWithChannel(command.argv))).then(
      (ch) => {
        channel = ch;
        if (cancelled) ch.close();
        return streamLines(ch, options, () => cancelled);
      },
      (error: Error) => ({ stdout: '', stderr: error.message, code: null, signal: 'not-connected' }),
    );
    return {
      cancel: () => {
        cancelled = true;
        const ch = channel as ClientChannel | null;
        if (ch) {
          ch.end(); // EOF on the remote stdin: dieWithChannel kills the command
          ch.close();
        }
      },
      done,
    };
  }

  close(): void {
    this.closed = true;
    this.generation++;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.stopWake();
    this.teardown();
    this.emit('closed');
  }
}
