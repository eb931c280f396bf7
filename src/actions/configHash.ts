/**
 * The identity of a run's configuration, to notice the same experiment launched twice: the
 * command, the environment (secret names, never values), the activation and the exact code
 * (commit + diff hash). Host, GPUs and session name are not part of it: the same config on
 * another GPU is still the same experiment.
 */
import { createHash } from 'node:crypto';
import type { Activation } from '../commands/runScript.js';
import type { GitInfo } from './gitInfo.js';

export interface HashedConfig {
  project: string;
  command: string;
  env: Record<string, string>;
  secretNames: string[];
  activation: Activation;
  /** The run's parameters: the same command with other values is another experiment. */
  params: Record<string, string>;
  git: GitInfo;
}

/** JSON with sorted keys, so the hash does not depend on key order in the config file. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function configHash(c: HashedConfig): string {
  // without parameters the material is what it was before there were any: older runs' hashes still match
  const { params, ...rest } = c;
  const material = {
    ...rest,
    ...(Object.keys(params).length ? { params } : {}),
    secretNames: [...c.secretNames].sort(),
    git: { commit: c.git.commit, diffHash: c.git.diffHash },
  };
  return createHash('sha256').update(canonical(material)).digest('hex').slice(0, 16);
}
