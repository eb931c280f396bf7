import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ErrorObject } from 'ajv';
import envPaths from 'env-paths';
import { validate as generatedValidate } from './configValidator.generated.js';
import { explain } from './explain.js';
import { expandHome, UnknownUserError } from './paths.js';
import { closest } from './suggest.js';
import { sweepConfigProblems } from './sweeps.js';
import type { Config, HostConfig, ProjectConfig, SweepConfig } from './types.js';

/** A config problem a person can fix: it names the file, the field and the fix. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`config error in ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const LOCAL_HOST = 'local';

/**
 * Where the config lives by default: the per-user config folder (XDG on Linux, Library/Preferences
 * on macOS) where conf keeps a "trainyard" config, worked out with env-paths exactly as conf does it
 * (a test holds the two equal): importing conf costs every start ~40 ms for this one path.
 */
export function defaultConfigPath(): string {
  return path.join(envPaths('trainyard', { suffix: '' }).config, 'config.json');
}

/** config/schema.json compiled by ajv ahead of time (config/generateValidator.ts). */
const validate = generatedValidate as ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message.replace(/at position (\d+)(?! \(line)/, (_m, pos: string) => {
      const before = text.slice(0, Number(pos));
      return `at line ${before.split('\n').length} column ${before.length - before.lastIndexOf('\n')}`;
    });
    throw new ConfigError(file, [
      `the file is not valid JSON: ${message} — fix: correct the JSON syntax there (a missing comma or quote, or a trailing comma)`,
    ]);
  }
}

/** Validates a parsed config and fills in defaults. Throws ConfigError with every problem found. */
export function normalizeConfig(raw: unknown, file: string): Config {
  if (!validate(raw)) throw new ConfigError(file, explain(validate.errors ?? []));
  const data = raw as {
    hosts?: (string | HostConfig)[];
    sshConfig?: string;
    refreshSeconds?: number;
    sessionsRefreshSeconds?: number;
    trustNewHostKeys?: boolean;
    alertWebhook?: string;
    keepalive?: { intervalSeconds?: number; countMax?: number };
    projects?: Record<string, ProjectConfig>;
    sweeps?: Record<string, SweepConfig>;
    agent?: { allow?: string[]; hosts?: string[]; projects?: string[]; maxGpus?: number; maxRuns?: number };
  };
  const hosts: HostConfig[] = (data.hosts ?? []).map((h) => (typeof h === 'string' ? { alias: h } : { ...h }));
  const seen = new Set<string>();
  const problems: string[] = [];
  hosts.forEach((h, i) => {
    if (seen.has(h.alias)) problems.push(`hosts[${i}] repeats "${h.alias}" — fix: list each host once`);
    seen.add(h.alias);
  });
  const checkPath = (field: string, value: string | undefined) => {
    try {
      if (value !== undefined) expandHome(value);
    } catch (error) {
      if (error instanceof UnknownUserError) problems.push(`${field} ${error.message}`);
      else throw error;
    }
  };
  checkPath('sshConfig', data.sshConfig);
  const aliases = hosts.length ? hosts.map((h) => h.alias) : [LOCAL_HOST];
  for (const [name, project] of Object.entries(data.projects ?? {})) {
    checkPath(`projects.${name}.local`, project.local);
    checkPath(`projects.${name}.envFile`, project.envFile);
    // an override for a host that is not listed would be silently ignored: the run would use the default directory
    for (const alias of Object.keys(project.hosts ?? {})) {
      if (aliases.includes(alias)) continue;
      const guess = closest(alias, aliases);
      problems.push(
        `projects.${name}.hosts has "${alias}", which is not in "hosts" — ${guess ? `did you mean "${guess}"?` : `fix: use one of: ${aliases.join(', ')}`}`,
      );
    }
  }
  for (const alias of data.agent?.hosts ?? []) {
    if (!seen.has(alias) && !(hosts.length === 0 && alias === LOCAL_HOST))
      problems.push(
        `agent.hosts names "${alias}", which is not in "hosts" — fix: add it to "hosts" or remove it from agent.hosts`,
      );
  }
  for (const name of data.agent?.projects ?? []) {
    if (!(name in (data.projects ?? {})))
      problems.push(
        `agent.projects names "${name}", which is not in "projects" — fix: add the project or remove it from agent.projects`,
      );
  }
  problems.push(...sweepConfigProblems(data.sweeps, Object.keys(data.projects ?? {}), aliases));
  if (problems.length) throw new ConfigError(file, problems);
  return {
    file,
    hosts: hosts.length ? hosts : [{ alias: LOCAL_HOST }],
    sshConfig: expandHome(data.sshConfig ?? '~/.ssh/config'),
    refreshSeconds: data.refreshSeconds ?? 1,
    sessionsRefreshSeconds: data.sessionsRefreshSeconds ?? 3,
    trustNewHostKeys: data.trustNewHostKeys ?? false,
    alertWebhook: data.alertWebhook ?? null,
    keepalive: { intervalSeconds: data.keepalive?.intervalSeconds ?? 10, countMax: data.keepalive?.countMax ?? 3 },
    projects: data.projects ?? {},
    sweeps: data.sweeps ?? {},
    agent: {
      allow: data.agent?.allow ?? [],
      hosts: data.agent?.hosts ?? null,
      projects: data.agent?.projects ?? null,
      maxGpus: data.agent?.maxGpus ?? null,
      maxRuns: data.agent?.maxRuns ?? null,
    },
  };
}

/**
 * Loads the config from `--config FILE`, or from the default location. A missing default file
 * is not an error: the cockpit then shows the local machine.
 */
export function loadConfig(explicitPath?: string): Config {
  const file = explicitPath ? expandHome(explicitPath) : defaultConfigPath();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicitPath) return normalizeConfig({}, file);
    if (code === 'ENOENT')
      throw new ConfigError(file, [
        `the file does not exist — fix: check the path given to --config, or copy config/example.json there`,
      ]);
    throw new ConfigError(file, [
      `the file cannot be read (${code ?? (error as Error).message}) — fix: check its permissions`,
    ]);
  }
  return normalizeConfig(parseJson(text, file), file);
}
