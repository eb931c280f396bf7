import { userInfo } from 'node:os';
import { expandHome } from '../config/paths.js';
import { runSshG } from './runSshG.js';

/** What OpenSSH itself makes of an alias (`ssh -G`), so Include, Match and ProxyJump are honoured exactly. */
export interface ResolvedHost {
  alias: string;
  hostname: string;
  port: number;
  user: string;
  identityFiles: string[];
  identitiesOnly: boolean;
  /** Hops as written, e.g. ["bastion", "admin@10.0.0.1:2222"], or [] for none. */
  proxyJump: string[];
  /** The ProxyCommand as written (with %h, %p … unexpanded), or null for none. */
  proxyCommand: string | null;
  /** ProxyUseFdpass: the ProxyCommand hands over a socket instead of speaking on its stdio. */
  proxyUseFdpass: boolean;
  knownHostsFiles: string[];
  /** GlobalKnownHostsFile: read like the user's files, never written. */
  globalKnownHostsFiles: string[];
  /** HashKnownHosts: new known_hosts entries are written hashed. */
  hashKnownHosts: boolean;
  hostKeyAlias: string | null;
  /** "none", a socket path, or null for SSH_AUTH_SOCK. */
  identityAgent: string | null;
  connectTimeoutSeconds: number | null;
}

let myself: { homedir: string; username: string } | null = null;
/** This process's passwd entry, looked up once (each look is a system call, several per host). */
function me(): { homedir: string; username: string } {
  myself ??= userInfo();
  return myself;
}

/**
 * OpenSSH expands ~ to the passwd entry's home directory, not $HOME, so do we: a test or a
 * sudo'ed shell with another $HOME must see the same files ssh sees. `~user/…` is that user's home.
 */
export function expandSshPath(p: string, home = me().homedir): string {
  return expandHome(p, home);
}

/** A known_hosts file list; `none` (ssh's word for no file) is an empty list, never a file named "none". */
const files = (value: string | undefined, fallback: string) =>
  (value ?? fallback)
    .split(/\s+/)
    .filter((p) => p !== '' && p !== 'none')
    .map((p) => expandSshPath(p));

export function parseSshG(alias: string, text: string): ResolvedHost {
  const values = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const key = m[1].toLowerCase();
    values.set(key, [...(values.get(key) ?? []), m[2]]);
  }
  const one = (k: string) => values.get(k)?.[0];
  const proxyJump = one('proxyjump');
  const proxyCommand = one('proxycommand');
  const agent = one('identityagent');
  const timeout = one('connecttimeout');
  return {
    alias,
    hostname: one('hostname') ?? alias,
    port: Number.parseInt(one('port') ?? '22', 10),
    user: one('user') ?? me().username,
    identityFiles: (values.get('identityfile') ?? []).map((p) => expandSshPath(p)),
    identitiesOnly: one('identitiesonly') === 'yes',
    proxyJump: proxyJump && proxyJump !== 'none' ? proxyJump.split(',').map((s) => s.trim()) : [],
    proxyCommand: proxyCommand && proxyCommand !== 'none' ? proxyCommand : null,
    proxyUseFdpass: one('proxyusefdpass') === 'yes',
    knownHostsFiles: files(one('userknownhostsfile'), '~/.ssh/known_hosts ~/.ssh/known_hosts2'),
    globalKnownHostsFiles: files(one('globalknownhostsfile'), '/etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2'),
    hashKnownHosts: one('hashknownhosts') === 'yes',
    hostKeyAlias: one('hostkeyalias') ?? null,
    identityAgent:
      agent === undefined || agent === 'SSH_AUTH_SOCK' ? null : agent === 'none' ? 'none' : expandSshPath(agent),
    connectTimeoutSeconds: timeout && timeout !== 'none' ? Number.parseInt(timeout, 10) : null,
  };
}

export class ResolveError extends Error {}

/** Resolves an alias, or a ProxyJump hop written as [user@]host[:port]. */
export async function resolveHost(sshConfig: string, destination: string): Promise<ResolvedHost> {
  const extra: string[] = [];
  let target = destination;
  const hop = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(destination);
  if (hop && (hop[1] || hop[3])) {
    if (hop[1]) extra.push('-l', hop[1]);
    if (hop[3]) extra.push('-p', hop[3]);
    target = hop[2].replace(/^\[|\]$/g, '');
  }
  const result = await runSshG(sshConfig, target, extra);
  if (result.failure !== null) {
    // ssh -G says first that it will not allocate a terminal (stdin is not one): not the reason
    const why =
      result.stderr
        .split('\n')
        .map((l) => l.trim())
        .find((l) => l && !l.startsWith('Pseudo-terminal')) ?? result.failure;
    throw new ResolveError(`cannot resolve "${destination}" with ${sshConfig}: ${why}`);
  }
  return parseSshG(destination, result.stdout);
}
