/** The config init writes: built from the picked hosts, merged into an existing file, validated, then written whole. */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, normalizeConfig } from '../../config/load.js';
import type { ProjectConfig } from '../../config/types.js';

export type RawConfig = Record<string, unknown>;

/** The file's JSON object, or null when there is no file. */
export function readExistingConfig(file: string): RawConfig | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError(file, [
      `the file cannot be read (${(error as NodeJS.ErrnoException).code}) — fix: check its permissions`,
    ]);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as RawConfig;
  } catch {
    // reported below
  }
  throw new ConfigError(file, [
    'it is not a JSON object, so init will not merge into it — fix: correct it, or move it away and run init again',
  ]);
}

/** Whether the config would accept this alias (the same rules as a hand-written config). */
export function configRefuses(alias: string): string | null {
  try {
    normalizeConfig({ hosts: [alias] }, 'init');
    return null;
  } catch (error) {
    return error instanceof ConfigError ? error.problems.join('; ') : (error as Error).message;
  }
}

/**
 * The new config: the existing one with its hosts replaced by the picked ones (a kept host keeps
 * its label), sshConfig set, and the project added.
 */
export function buildConfig(
  existing: RawConfig | null,
  hosts: string[],
  sshConfig: string,
  project?: { name: string; config: ProjectConfig },
): RawConfig {
  const old = Array.isArray(existing?.hosts) ? (existing.hosts as unknown[]) : [];
  const keep = (alias: string) =>
    old.find((h) => h && typeof h === 'object' && (h as { alias?: unknown }).alias === alias) ?? alias;
  const next: RawConfig = { ...existing, hosts: hosts.map(keep), sshConfig };
  if (project) next.projects = { ...(existing?.projects as object | undefined), [project.name]: project.config };
  return next;
}

/** Validates, then writes atomically (owner-only: a config may hold a webhook URL). */
export function writeConfigFile(file: string, config: RawConfig): void {
  normalizeConfig(config, file);
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
