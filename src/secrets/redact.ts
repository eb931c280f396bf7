/**
 * Masking secrets in everything shown or sent that did not pass through an action's own redactor:
 * the log pane, watchdog events and summaries (pane, banner, CLI), and the webhook bodies the
 * cockpit posts. The values are every project's secrets this machine knows.
 */
import { readFileSync } from 'node:fs';
import { expandHome } from '../config/paths.js';
import type { Config, ProjectConfig } from '../config/types.js';
import { parseEnvFile, Redactor } from './secrets.js';

/** The secret values of one project that can be found here; a missing one is skipped (the action that needs it says so). */
function projectSecretValues(project: ProjectConfig, env: NodeJS.ProcessEnv): string[] {
  const values: string[] = [];
  if (project.envFile) {
    try {
      values.push(...Object.values(parseEnvFile(readFileSync(expandHome(project.envFile), 'utf8'))));
    } catch {
      // unreadable or malformed: reported when an action uses it
    }
  }
  for (const name of project.secretEnv ?? []) {
    const value = project.env?.[name] ?? env[name];
    if (value) values.push(value);
  }
  return values;
}

/** A redactor for every project's secrets in the config. */
export function configRedactor(config: Config, env: NodeJS.ProcessEnv = process.env): Redactor {
  const redactor = new Redactor();
  for (const project of Object.values(config.projects)) redactor.add(projectSecretValues(project, env));
  return redactor;
}

/** A copy of a JSON-like value with every string in it redacted (keys included). */
export function redactDeep<T>(value: T, redactor: Redactor): T {
  if (redactor.size === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactor.redact(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [redactor.redact(k), walk(x)]));
    return v;
  };
  return walk(value) as T;
}
