/**
 * Secrets: variables a project marks secret (secretEnv, taken from the local environment or
 * from "env") and every variable of a local env file. They reach a server only as a 0600 file
 * written through an exec channel's stdin and sourced by the run script, so they never appear
 * on a command line, in `ps`, in a tmux command, or on screen (Redactor masks them in output).
 */
import { readFileSync } from 'node:fs';
import type { ProjectConfig } from '../config/types.js';
import { shQuote } from '../shell/quote.js';

export class SecretsError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'SecretsError';
  }
}

/**
 * KEY=value lines: blank lines and # comments skipped, an optional "export ", values in
 * single quotes taken literally, in double quotes with \n \" \\ escapes, else up to a " #".
 */
export function parseEnvFile(text: string, file = 'env file'): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m)
      throw new SecretsError(`${file} line ${i + 1} is not KEY=value`, `fix that line, e.g. WANDB_API_KEY=abc123`);
    let value = m[2];
    if (value.startsWith("'")) {
      const end = value.indexOf("'", 1);
      value = end > 0 ? value.slice(1, end) : value.slice(1);
    } else if (value.startsWith('"')) {
      let v = '';
      let j = 1;
      for (; j < value.length && value[j] !== '"'; j++) {
        if (value[j] === '\\' && j + 1 < value.length) {
          const c = value[++j];
          v += c === 'n' ? '\n' : c === 't' ? '\t' : c;
        } else v += value[j];
      }
      value = v;
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    out[m[1]] = value;
  });
  return out;
}

export interface SecretsSource {
  name: string;
  project: Pick<ProjectConfig, 'env'> & { secretNames: string[]; envFile: string | null };
  env: NodeJS.ProcessEnv;
}

/** The secret variables of a project, with values; throws SecretsError naming what is missing. */
export function collectSecrets(source: SecretsSource): Record<string, string> {
  const { name, project, env } = source;
  const out: Record<string, string> = {};
  if (project.envFile) {
    let text: string;
    try {
      text = readFileSync(project.envFile, 'utf8');
    } catch (error) {
      throw new SecretsError(
        `projects.${name}.envFile ${project.envFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        `create it (chmod 600) with KEY=value lines, or remove "envFile"`,
      );
    }
    Object.assign(out, parseEnvFile(text, project.envFile));
  }
  for (const key of project.secretNames) {
    const value = project.env?.[key] ?? env[key];
    if (value === undefined || value === '') {
      if (key in out) continue;
      throw new SecretsError(
        `projects.${name}.secretEnv names ${key}, but ${key} is not set in the environment trainyard runs in`,
        `export ${key}=… before starting trainyard, or put ${key}=… in the project's envFile`,
      );
    }
    out[key] = value;
  }
  return out;
}

/** The secrets file text: one `export KEY='value'` per variable, sourced by bash. */
export function secretsFileText(secrets: Record<string, string>): string {
  return Object.entries(secrets)
    .map(([k, v]) => `export ${k}=${shQuote(v)}\n`)
    .join('');
}

/** Masks secret values in text shown anywhere (output panes, logs, dry runs, errors). */
export class Redactor {
  private values: string[] = [];
  static readonly MASK = '•••';

  add(values: Iterable<string>): void {
    for (const v of values) {
      // Very short values would mask ordinary text everywhere; they are too weak to be secrets anyway.
      if (v.length >= 4 && !this.values.includes(v)) this.values.push(v);
      const quoted = shQuote(v);
      if (v.length >= 4 && quoted !== v && !this.values.includes(quoted)) this.values.push(quoted);
    }
    this.values.sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.values.length;
  }

  redact(text: string): string {
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join(Redactor.MASK);
    return out;
  }
}
