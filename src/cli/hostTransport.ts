import { LOCAL_HOST } from '../config/load.js';
import type { Config } from '../config/types.js';
import { SshConnection } from '../ssh/connection.js';
import { LocalTransport } from '../transport/local.js';
import type { Transport } from '../transport/types.js';

/** One connection for a one-shot CLI command (the cockpit holds its own): connected, or an error saying why. */
export async function openHostTransport(
  config: Config,
  host: string,
  timeoutMs: number,
): Promise<{ transport: Transport; close(): void }> {
  if (host === LOCAL_HOST) return { transport: new LocalTransport(), close: () => {} };
  const connection = new SshConnection({
    alias: host,
    sshConfig: config.sshConfig,
    keepalive: config.keepalive,
    trustNewHostKeys: config.trustNewHostKeys,
    backoff: { baseMs: 500, capMs: 2000, jitter: 0 },
  });
  connection.start();
  try {
    await connection.whenReady(timeoutMs);
  } catch {
    const info = connection.info;
    connection.close();
    throw new Error(`${info.error ?? 'not connected'}${info.hint ? ` — ${info.hint}` : ''}`);
  }
  return { transport: connection, close: () => connection.close() };
}
