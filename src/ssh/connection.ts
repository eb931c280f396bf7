import { EventEmitter } from 'node:events';
import ssh2 from 'ssh2';
import type { Client as ClientType, ClientChannel, ConnectConfig } from 'ssh2';
import type { Duplex } from 'node:stream';
import { dieWithChannel, loginShellLine } from '../shell/quote.js';
import type { ConnectionInfo, ConnectionStateName } from '../state/store.js';
import { LineSplitter, type ExecOptions, type ExecResult, type ShellCommand, type StreamHandle, type StreamOptions, type Transport } from '../transport/types.js';
import { makeAuthHandler, type AskPassphrase } from './auth.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { appendKnownHost, describeKeyBlob, findKnownEntries, judgeHostKey, knownHostsName, preferredHostKeyAlgorithms } from './knownHosts.js';
import { openProxyCommand } from './proxyCommand.js';
import { resolveHost, type ResolvedHost } from './resolve.js';
import { Semaphore } from './semaphore.js';
import { onWake } from './wakeDetector.js';

const { Client } = ssh2;

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

/** Exit statuses seen as soon as a channel opened, before exec()/stream() listen. */
const exitStatus = new WeakMap<ClientChannel, { code: number | null; signal?: string }>();

type Failure = { state: ConnectionStateName; error: string; hint: string | null };

/** A refusal found while verifying the host key, kept until ssh2 reports the failed handshake. */
type HostKeyProblem = Failure | null;

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
      const timer = setTimeout(() => finish(new NotConnectedError(`${this.options.alias}: ${this.info.error ?? 'not connected'}`)), timeoutMs);
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
    try {
      const target = await resolveHost(this.options.sshConfig, this.options.alias);
      this.resolved = target;
      // ProxyJump: hop 1 directly, then each next hop (and finally the target) through the previous one.
      const chain = [...(await Promise.all(target.proxyJump.map((hop) => resolveHost(this.options.sshConfig, hop)))), target];
      let sock: Duplex | undefined = chain[0].proxyCommand ? await openProxyCommand(chain[0]) : undefined;
      for (let i = 0; i < chain.length - 1; i++) {
        const hopClient = await this.open(chain[i], sock, generation);
        this.jumps.push(hopClient);
        sock = await forwardTo(hopClient, chain[i + 1]);
      }
      if (generation !== this.generation || this.closed) return;
      const client = await this.open(target, sock, generation);
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

  /** Opens one SSH client (the target or a jump hop), host key checked against known_hosts. */
  private async open(host: ResolvedHost, sock: Duplex | undefined, generation: number): Promise<ClientType> {
    const name = knownHostsName(host.hostKeyAlias ?? host.hostname, host.hostKeyAlias ? 22 : host.port);
    const known = await findKnownEntries(name, [...host.knownHostsFiles, ...host.globalKnownHostsFiles]);
    let problem: HostKeyProblem = null;
    let authProblem: string | null = null;
    const config: ConnectConfig = {
      host: host.hostname,
      port: host.port,
      username: host.user,
      sock: sock as ConnectConfig['sock'],
      keepaliveInterval: this.options.keepalive.intervalSeconds * 1000,
      keepaliveCountMax: this.options.keepalive.countMax,
      readyTimeout: (host.connectTimeoutSeconds ?? 10) * 1000,
      algorithms: { serverHostKey: preferredHostKeyAlgorithms(known) as never },
      hostVerifier: (blob: Buffer, verify: (ok: boolean) => void) => {
        const presented = describeKeyBlob(blob);
        const verdict = judgeHostKey(presented, known);
        if (verdict.kind === 'known') return verify(true);
        if (verdict.kind === 'unknown' && this.options.trustNewHostKeys) {
          appendKnownHost(host.knownHostsFiles[0], name, presented, host.hashKnownHosts);
          return verify(true);
        }
        problem =
          verdict.kind === 'unknown'
            ? {
                state: 'hostkey-unknown',
                error: `host key of ${name} is not in ${host.knownHostsFiles[0]}`,
                hint: `check it, then trust it with: ssh -F ${this.options.sshConfig} ${host.alias} true (answer yes), or set "trustNewHostKeys": true`,
              }
            : {
                state: 'hostkey-changed',
                error: `HOST KEY CHANGED for ${name} (${verdict.file} has ${verdict.line}) — possible man-in-the-middle`,
                hint: `refused. If the server was really reinstalled: ssh-keygen -R '${name}' -f ${verdict.file}`,
              };
        verify(false);
      },
      authHandler: makeAuthHandler(host, this.options.askPassphrase, (message) => (authProblem = message)) as ConnectConfig['authHandler'],
    };
    if (config.algorithms?.serverHostKey === undefined) delete config.algorithms;
    return new Promise((resolve, reject) => {
      const client = new Client();
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        client.end();
        const failure: Failure | null =
          problem ??
          ((err as { level?: string }).level === 'client-authentication'
            ? {
                state: authProblem?.includes('encrypted') || authProblem?.includes('passphrase') ? 'passphrase-needed' : 'auth-failed',
                error: `authentication failed for ${host.user}@${host.alias}${authProblem ? `: ${authProblem}` : ''}`,
                hint: `check that your key is in the server's ~/.ssh/authorized_keys and loaded (ssh-add -l); test with: ssh -F ${this.options.sshConfig} ${host.alias} true`,
              }
            : null);
        reject(Object.assign(err, { failure: failure ?? undefined }));
      };
      client.once('ready', () => {
        if (settled) return;
        settled = true;
        if (generation !== this.generation) client.end();
        resolve(client);
      });
      client.on('error', fail);
      client.once('close', () => fail(new Error('connection closed during handshake')));
      try {
        client.connect(config);
      } catch (error) {
        fail(error as Error);
      }
    });
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
    this.setInfo({ state: failure.state, error: failure.error, hint: failure.hint, attempt: this.attempt, nextRetryAt: Date.now() + delay });
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
            // 'exit' can come before the caller's listeners are attached (they are after an await)
            ch.once('exit', (code: number | null, signal?: string) => exitStatus.set(ch, { code, signal: signal ?? undefined }));
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
    return new Promise((resolve) => {
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      let signal: string | undefined;
      let timer: NodeJS.Timeout | undefined;
      channel.setEncoding('utf8');
      channel.stderr.setEncoding('utf8');
      channel.on('data', (d: string) => (stdout += d));
      channel.stderr.on('data', (d: string) => (stderr += d));
      channel.on('exit', (c: number | null, s?: string) => {
        code = c;
        signal = s ?? undefined;
      });
      channel.once('close', () => {
        clearTimeout(timer);
        const early = exitStatus.get(channel);
        resolve({ stdout, stderr, code: code ?? early?.code ?? null, signal: signal ?? early?.signal });
      });
      if (options.timeoutMs) {
        timer = setTimeout(() => {
          stderr += `\n(timed out after ${options.timeoutMs} ms)`;
          channel.close();
        }, options.timeoutMs);
      }
      options.signal?.addEventListener('abort', () => channel.close(), { once: true });
      channel.end(options.stdin ?? command.stdin ?? '');
    });
  }

  stream(command: ShellCommand, options: StreamOptions): StreamHandle {
    let channel: ClientChannel | null = null;
    let cancelled = false;
    const done = this.openChannel(loginShellLine(dieWithChannel(command.argv))).then(
      (ch) =>
        new Promise<ExecResult>((resolve) => {
          channel = ch;
          if (cancelled) ch.close();
          const out = new LineSplitter(options.onLine, options.splitCarriageReturn, { onProgress: options.onProgress });
          const err = new LineSplitter(options.onErrLine ?? options.onLine, options.splitCarriageReturn, { onProgress: options.onProgress });
          let code: number | null = null;
          let signal: string | undefined;
          ch.setEncoding('utf8');
          ch.stderr.setEncoding('utf8');
          ch.on('data', (d: string) => out.push(d));
          ch.stderr.on('data', (d: string) => err.push(d));
          ch.on('exit', (c: number | null, s?: string) => {
            code = c;
            signal = s ?? undefined;
          });
          ch.once('close', () => {
            out.end();
            err.end();
            const early = exitStatus.get(ch);
            code ??= early?.code ?? null;
            signal ??= early?.signal;
            resolve({ stdout: '', stderr: '', code, signal: cancelled ? 'cancelled' : (signal ?? (code === null ? 'disconnected' : undefined)) });
          });
        }),
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

/** Opens a direct-tcpip channel through a jump host to the next hop (or the target). */
function forwardTo(via: ClientType, next: ResolvedHost): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, next.hostname, next.port, (err, stream) => (err ? reject(err) : resolve(stream as unknown as Duplex)));
  });
}

function classify(error: Error, everConnected: boolean): Failure {
  const code = (error as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused (is sshd running on that port?)',
    EHOSTUNREACH: 'host unreachable (VPN down? wrong address?)',
    ENETUNREACH: 'network unreachable (offline?)',
    ENOTFOUND: 'host name not found (check HostName in your ssh_config)',
    EAI_AGAIN: 'DNS lookup failed (offline?)',
    ETIMEDOUT: 'connection timed out',
    ECONNRESET: 'connection reset',
  };
  const message = (code && words[code]) || error.message;
  return { state: everConnected ? 'reconnecting' : 'unreachable', error: message, hint: null };
}
