/**
 * A project as the actions use it: the config entry with defaults filled in, checked, and the
 * host's own remote directory chosen. Problems name the field and the fix, like config errors.
 */

import { DEFAULT_PULL_EXCLUDES, DEFAULT_SYNC_EXCLUDES } from '../commands/rsync.js';
import type { Activation } from '../commands/runScript.js';
import { ConfigError } from '../config/load.js';
import { expandHome } from '../config/paths.js';
import type { Config, ProjectConfig } from '../config/types.js';
import { DEFAULT_LOG_TEMPLATE } from '../runs/layout.js';
import { paramNameProblem } from '../runs/params.js';
import { resumeTemplateProblem } from '../runs/resumeTemplate.js';

/** Checkpoints inside a run's directory when the project names none. */
export const DEFAULT_CHECKPOINTS = 'checkpoint-*';

export interface ResolvedProject {
  name: string;
  /** Absolute local directory. */
  localDir: string;
  /** The remote directory as configured for this host (may start with ~ or be relative to $HOME). */
  remoteDir: string;
  train: string;
  smoke: string | null;
  smokeTimeoutSeconds: number;
  /** Glob relative to each run's directory. */
  checkpoints: string;
  resume: string | null;
  /** Relative to the remote dir (and to the local dir when pulled): one directory per run below it. */
  results: string;
  /** Default values of the {name} placeholders ({} when none). */
  params: Record<string, string>;
  /** Log path template with {session} and {project}: relative to the remote dir, ~/…, or absolute. */
  logTemplate: string;
  activation: Activation;
  /** Non-secret variables. */
  env: Record<string, string>;
  /** Names of the secret variables (values come from the local environment or envFile). */
  secretNames: string[];
  /** Absolute local env file of secrets, or null. */
  envFile: string | null;
  syncExcludes: string[];
  pullExcludes: string[];
  /** Default GPU choice: "all", "least-used", "least-used:N" or "0,1". */
  gpus: string;
  stopGraceSeconds: number;
  metrics: string | undefined;
  autoRestart: { enabled: boolean; max: number; backoffSeconds: number };
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function gpuChoiceProblem(value: string): string | null {
  if (/^(all|least-used(:[1-9]\d*)?|\d+(,\d+)*)$/.test(value)) return null;
  return `"${value}" is not a GPU choice — use "all", "least-used", "least-used:2" or indices like "0,1"`;
}

/** Checks one project entry; throws ConfigError listing every problem with its fix. */
export function resolveProject(config: Config, name: string, host: string): ResolvedProject {
  const p: ProjectConfig | undefined = config.projects[name];
  if (!p) {
    const known = Object.keys(config.projects);
    throw new ConfigError(config.file, [
      known.length
        ? `projects.${name} does not exist — fix: use one of ${known.join(', ')}, or add it under "projects"`
        : `projects.${name} does not exist — fix: add "projects": {"${name}": {"local": "~/${name}", "remote": "/work/${name}", "train": "python train.py"}}`,
    ]);
  }
  const problems: string[] = [];
  const f = (field: string) => `projects.${name}.${field}`;
  if (!p.local.startsWith('/') && !p.local.startsWith('~'))
    problems.push(`${f('local')} must be absolute or start with ~ — fix: e.g. "~/${name}"`);
  if (p.conda && p.venv) problems.push(`${f('conda')} and ${f('venv')} are both set — fix: keep one of them`);
  for (const key of Object.keys(p.env ?? {}))
    if (!NAME.test(key))
      problems.push(
        `${f(`env.${key}`)} is not a variable name — fix: letters, digits and _ only, not starting with a digit`,
      );
  for (const key of p.secretEnv ?? [])
    if (!NAME.test(key))
      problems.push(`${f('secretEnv')} has "${key}", not a variable name — fix: letters, digits and _ only`);
  if (p.gpus !== undefined && gpuChoiceProblem(p.gpus)) problems.push(`${f('gpus')} ${gpuChoiceProblem(p.gpus)}`);
  if (p.resume !== undefined && p.resume.trim() !== '') {
    const problem = resumeTemplateProblem(p.resume);
    if (problem) problems.push(`${f('resume')} ${problem}`);
  }
  if (
    p.results !== undefined &&
    (p.results.startsWith('/') || p.results.split('/').includes('..') || p.results.trim() === '')
  ) {
    problems.push(`${f('results')} must be a directory inside the project, relative to "remote" — fix: e.g. "outputs"`);
  }
  const results = (p.results ?? 'outputs').replace(/\/+$/, '');
  for (const key of Object.keys(p.params ?? {})) {
    const problem = paramNameProblem(key);
    if (problem) problems.push(`${f(`params.${key}`)}: ${problem} — fix: rename it`);
  }
  const checkpoints = p.checkpoints ?? DEFAULT_CHECKPOINTS;
  if (checkpoints.startsWith(`${results}/`) || checkpoints.startsWith(`./${results}/`))
    problems.push(
      `${f('checkpoints')} "${checkpoints}" starts with the results directory "${results}", but checkpoints are looked for inside each run's own directory (${results}/<run>/) — fix: "${checkpoints.slice(checkpoints.indexOf(`${results}/`) + results.length + 1) || DEFAULT_CHECKPOINTS}"`,
    );
  if (problems.length) throw new ConfigError(config.file, problems);
  const secretNames = [...new Set(p.secretEnv ?? [])];
  // A variable listed in secretEnv that also has a value in "env" is a secret with that value.
  const env = Object.fromEntries(Object.entries(p.env ?? {}).filter(([k]) => !secretNames.includes(k)));
  return {
    name,
    localDir: expandHome(p.local).replace(/\/+$/, '') || '/',
    remoteDir: p.hosts?.[host]?.remote ?? p.remote,
    train: p.train,
    smoke: p.smoke ?? null,
    smokeTimeoutSeconds: p.smokeTimeoutSeconds ?? 300,
    checkpoints,
    resume: p.resume && p.resume.trim() !== '' ? p.resume : null,
    results,
    params: { ...(p.params ?? {}) },
    logTemplate: p.log ?? DEFAULT_LOG_TEMPLATE,
    activation: p.conda ? { kind: 'conda', env: p.conda } : p.venv ? { kind: 'venv', path: p.venv } : { kind: 'none' },
    env,
    secretNames,
    envFile: p.envFile ? expandHome(p.envFile) : null,
    syncExcludes: [...DEFAULT_SYNC_EXCLUDES, ...(p.exclude ?? [])],
    pullExcludes: [...DEFAULT_PULL_EXCLUDES, ...(p.pullExclude ?? [])],
    gpus: p.gpus ?? 'all',
    stopGraceSeconds: p.stopGraceSeconds ?? 10,
    metrics: p.metrics,
    autoRestart: {
      enabled: p.autoRestart?.enabled ?? false,
      max: p.autoRestart?.max ?? 3,
      backoffSeconds: p.autoRestart?.backoffSeconds ?? 60,
    },
  };
}

/** The log path for a session: {session} and {project} filled in, still relative/~ as configured. */
export function logPathFor(template: string, project: string, session: string): string {
  return template.split('{session}').join(session).split('{project}').join(project);
}

/** An absolute server path from a path relative to the remote dir, ~/…, or absolute. */
export function absoluteOnServer(p: string, remoteDir: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return `${home}/${p.slice(2)}`;
  if (p.startsWith('/')) return p;
  return `${remoteDir}/${p}`;
}
