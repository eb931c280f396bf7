import { existsSync, readFileSync, statSync } from 'node:fs';
import type { AnyAuthMethod, BaseAgent, ParsedKey } from 'ssh2';
import ssh2 from 'ssh2';
import type { ResolvedHost } from './resolve.js';

export type AskPassphrase = (keyPath: string) => Promise<string | null>;

/** Why the agent cannot be used, or null when it can (a stale SSH_AUTH_SOCK is common inside tmux). */
export function agentProblem(socket: string | undefined): string | null {
  if (!socket) return 'SSH_AUTH_SOCK is not set';
  try {
    if (!statSync(socket).isSocket()) return `SSH_AUTH_SOCK (${socket}) is not a socket`;
  } catch {
    return `SSH_AUTH_SOCK points to ${socket}, which no longer exists (stale inside tmux? run: eval "$(tmux show-env -s SSH_AUTH_SOCK)")`;
  }
  return null;
}

export function agentSocket(host: ResolvedHost, env = process.env): string | null {
  if (host.identityAgent === 'none') return null;
  const socket = host.identityAgent ?? env.SSH_AUTH_SOCK;
  return agentProblem(socket) === null ? socket! : null;
}

/** Keys decrypted with a passphrase this run, so a reconnect at 3 am does not ask again. */
const decryptedKeys = new Map<string, ParsedKey>();

export class EncryptedKeyError extends Error {}

/** Loads a private key, asking for its passphrase when it is encrypted and someone can answer. */
export async function loadPrivateKey(file: string, ask?: AskPassphrase): Promise<ParsedKey | null> {
  const cached = decryptedKeys.get(file);
  if (cached) return cached;
  const data = readFileSync(file);
  const plain = ssh2.utils.parseKey(data);
  if (!(plain instanceof Error)) return Array.isArray(plain) ? plain[0] : plain;
  if (!/encrypted|passphrase/i.test(plain.message)) return null;
  if (!ask)
    throw new EncryptedKeyError(
      `${file} is encrypted: add it to ssh-agent (ssh-add ${file}) or use the cockpit, which asks for the passphrase`,
    );
  for (let tries = 0; tries < 3; tries++) {
    const passphrase = await ask(file);
    if (passphrase === null) throw new EncryptedKeyError(`no passphrase given for ${file}`);
    const parsed = ssh2.utils.parseKey(data, passphrase);
    if (!(parsed instanceof Error)) {
      const key = Array.isArray(parsed) ? parsed[0] : parsed;
      decryptedKeys.set(file, key);
      return key;
    }
  }
  throw new EncryptedKeyError(`wrong passphrase for ${file}`);
}

/** The public key blob of an IdentityFile: from FILE.pub, else from the private key when it is not encrypted. */
export function identityPublicKey(file: string): Buffer | null {
  for (const candidate of [`${file}.pub`, file]) {
    try {
      const parsed = ssh2.utils.parseKey(readFileSync(candidate));
      if (parsed instanceof Error) continue;
      return (Array.isArray(parsed) ? parsed[0] : parsed).getPublicSSH();
    } catch {}
  }
  return null;
}

/** The agent, offering only the keys whose public half is one of `allowed` (what IdentitiesOnly means for an agent). */
export function agentWithOnly(socket: string, allowed: Buffer[]): BaseAgent {
  const agent = new ssh2.OpenSSHAgent(socket);
  const list = agent.getIdentities.bind(agent);
  agent.getIdentities = (cb) =>
    list((error, keys) => {
      if (error || !keys) return cb(error, keys);
      cb(
        undefined,
        keys.filter((key) => {
          const blob = (key as Partial<ParsedKey>).getPublicSSH?.();
          return blob !== undefined && allowed.some((a) => a.equals(blob));
        }),
      );
    });
  return agent;
}

/**
 * The ssh2 authHandler: the agent first (unless IdentityAgent none), then each IdentityFile that
 * exists, in ssh_config order — what OpenSSH tries, minus password prompts. With IdentitiesOnly
 * the agent offers only the IdentityFiles' keys: a full agent would otherwise use up the server's
 * MaxAuthTries before the right key is tried.
 */
export function makeAuthHandler(host: ResolvedHost, ask?: AskPassphrase, onProblem?: (message: string) => void) {
  const steps: (() => Promise<AnyAuthMethod | null>)[] = [];
  const socket = agentSocket(host);
  const files = host.identityFiles.filter((file) => existsSync(file));
  if (socket && !host.identitiesOnly) steps.push(async () => ({ type: 'agent', username: host.user, agent: socket }));
  if (socket && host.identitiesOnly) {
    const allowed = files.map(identityPublicKey).filter((blob): blob is Buffer => blob !== null);
    if (allowed.length)
      steps.push(async () => ({ type: 'agent', username: host.user, agent: agentWithOnly(socket, allowed) }));
  }
  for (const file of files) {
    steps.push(async () => {
      try {
        const key = await loadPrivateKey(file, ask);
        return key ? { type: 'publickey', username: host.user, key } : null;
      } catch (error) {
        onProblem?.((error as Error).message);
        return null;
      }
    });
  }
  return (_methodsLeft: unknown, _partial: boolean, next: (m: AnyAuthMethod | false) => void) => {
    const tryNext = (): void => {
      const step = steps.shift();
      if (!step) return next(false);
      step().then(
        (method) => (method ? next(method) : tryNext()),
        () => tryNext(),
      );
    };
    tryNext();
  };
}
