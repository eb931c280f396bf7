/**
 * Opening one SSH client (the target or a ProxyJump hop): the host key checked against
 * known_hosts, authentication, and a failure classified into a connection state with its fix.
 */
import type { Duplex } from 'node:stream';
import type { Client as ClientType, ConnectConfig } from 'ssh2';
import ssh2 from 'ssh2';
import type { ConnectionStateName } from '../state/store.js';
import { type AskPassphrase, makeAuthHandler } from './auth.js';
import {
  appendKnownHost,
  describeKeyBlob,
  findKnownEntries,
  judgeHostKey,
  knownHostsName,
  preferredHostKeyAlgorithms,
} from './knownHosts.js';
import type { ResolvedHost } from './resolve.js';

const { Client } = ssh2;

export type Failure = { state: ConnectionStateName; error: string; hint: string | null };

export interface OpenClientOptions {
  sshConfig: string;
  keepalive: { intervalSeconds: number; countMax: number };
  trustNewHostKeys: boolean;
  askPassphrase?: AskPassphrase;
  /** False once the connection attempt this client belongs to was superseded: the client is ended. */
  isCurrent: () => boolean;
}

/** Opens one SSH client over `sock` (or TCP); rejects with an error carrying `failure` when it is a refusal. */
export async function openClient(
  host: ResolvedHost,
  sock: Duplex | undefined,
  options: OpenClientOptions,
): Promise<ClientType> {
  const name = knownHostsName(host.hostKeyAlias ?? host.hostname, host.hostKeyAlias ? 22 : host.port);
  const known = await findKnownEntries(name, [...host.knownHostsFiles, ...host.globalKnownHostsFiles]);
  // A refusal found while verifying the host key, kept until ssh2 reports the failed handshake.
  let problem: Failure | null = null;
  let authProblem: string | null = null;
  const config: ConnectConfig = {
    host: host.hostname,
    port: host.port,
    username: host.user,
    sock: sock as ConnectConfig['sock'],
    keepaliveInterval: options.keepalive.intervalSeconds * 1000,
    keepaliveCountMax: options.keepalive.countMax,
    readyTimeout: (host.connectTimeoutSeconds ?? 10) * 1000,
    algorithms: { serverHostKey: preferredHostKeyAlgorithms(known) as never },
    hostVerifier: (blob: Buffer, verify: (ok: boolean) => void) => {
      const presented = describeKeyBlob(blob);
      const verdict = judgeHostKey(presented, known);
      if (verdict.kind === 'known') return verify(true);
      if (verdict.kind === 'unknown' && options.trustNewHostKeys) {
        appendKnownHost(host.knownHostsFiles[0], name, presented, host.hashKnownHosts);
        return verify(true);
      }
      problem =
        verdict.kind === 'unknown'
          ? {
              state: 'hostkey-unknown',
              error: `host key of ${name} is not in ${host.knownHostsFiles[0]}`,
              hint: `check it, then trust it with: ssh -F ${options.sshConfig} ${host.alias} true (answer yes), or set "trustNewHostKeys": true`,
            }
          : {
              state: 'hostkey-changed',
              error: `HOST KEY CHANGED for ${name} (${verdict.file} has ${verdict.line}) — possible man-in-the-middle`,
              hint: `refused. If the server was really reinstalled: ssh-keygen -R '${name}' -f ${verdict.file}`,
            };
      verify(false);
    },
    authHandler: makeAuthHandler(
      host,
      options.askPassphrase,
      (message) => (authProblem = message),
    ) as ConnectConfig['authHandler'],
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
              state:
                authProblem?.includes('encrypted') || authProblem?.includes('passphrase')
                  ? 'passphrase-needed'
                  : 'auth-failed',
              error: `authentication failed for ${host.user}@${host.alias}${authProblem ? `: ${authProblem}` : ''}`,
              hint: `check that your key is in the server's ~/.ssh/authorized_keys and loaded (ssh-add -l); test with: ssh -F ${options.sshConfig} ${host.alias} true`,
            }
          : null);
      reject(Object.assign(err, { failure: failure ?? undefined }));
    };
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      if (!options.isCurrent()) client.end();
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

/** Opens a direct-tcpip channel through a jump host to the next hop (or the target). */
export function forwardTo(via: ClientType, next: ResolvedHost): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, next.hostname, next.port, (err, stream) =>
      err ? reject(err) : resolve(stream as unknown as Duplex),
    );
  });
}

/** A failure to reach the host, in words a user can act on. */
export function classify(error: Error, everConnected: boolean): Failure {
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
