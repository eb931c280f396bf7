/**
 * A run's parameters and its directory, as the training command sees them. `{name}` in the
 * project's `train` command becomes a reference to a shell variable the launch script sets
 * ("$ty_p_name"; `{run_dir}` becomes "$ty_run_dir"), so a value reaches the program as one
 * argument and is never part of the text the script evaluates: `lr=$(touch x)` is a string.
 * The reference is written to fit where the placeholder stands: "${ty_p_lr}" in plain text,
 * ${ty_p_lr} inside double quotes, '"${ty_p_lr}"' inside single quotes (the quote is closed
 * around it). `${name}` is the shell's own expansion, not a placeholder.
 */
import { shQuote } from '../shell/quote.js';

/** The placeholder and the shell variable of the run's directory. */
export const RUN_DIR_PLACEHOLDER = 'run_dir';
export const RUN_DIR_VARIABLE = 'ty_run_dir';
/** Parameter `lr` is the shell variable ty_p_lr. */
export const PARAM_VARIABLE_PREFIX = 'ty_p_';
/** Placeholders that are not parameters. */
export const RESERVED_PLACEHOLDERS = [RUN_DIR_PLACEHOLDER, 'checkpoint'];

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/y;

/** Why `name` cannot name a parameter, or null. */
export function paramNameProblem(name: string): string | null {
  if (!NAME.test(name)) return `"${name}" is not a parameter name (letters, digits and _, not starting with a digit)`;
  if (RESERVED_PLACEHOLDERS.includes(name)) return `"${name}" is reserved ({${name}} is filled in by trainyard)`;
  return null;
}

/** The shell variable a placeholder refers to. */
export function placeholderVariable(name: string): string {
  if (name === RUN_DIR_PLACEHOLDER) return RUN_DIR_VARIABLE;
  if (name === 'checkpoint') return 'ty_checkpoint';
  return `${PARAM_VARIABLE_PREFIX}${name}`;
}

/** `--param lr=1e-3` values as a record; throws with the fix on a malformed one. */
export function parseParamAssignments(items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`--param ${JSON.stringify(item)} is not NAME=VALUE — fix: e.g. --param lr=1e-3`);
    const name = item.slice(0, eq);
    const problem = paramNameProblem(name);
    if (problem) throw new Error(`--param ${problem}`);
    out[name] = item.slice(eq + 1);
  }
  return out;
}

/**
 * The placeholders of a command, in order of first appearance, with where they stand:
 * the command text with each one replaced by its variable reference.
 */
export function expandCommandPlaceholders(command: string): { text: string; names: string[] } {
  const names: string[] = [];
  let text = '';
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote === null && c === '\\') {
      text += command.slice(i, i + 2);
      i++;
      continue;
    }
    if (quote === '"' && c === '\\') {
      text += command.slice(i, i + 2);
      i++;
      continue;
    }
    if (c === "'" && quote !== '"') quote = quote === "'" ? null : "'";
    else if (c === '"' && quote !== "'") quote = quote === '"' ? null : '"';
    else if (c === '{' && command[i - 1] !== '$') {
      PLACEHOLDER.lastIndex = i;
      const m = PLACEHOLDER.exec(command);
      if (m) {
        const name = m[1];
        if (!names.includes(name)) names.push(name);
        const ref = `\${${placeholderVariable(name)}}`;
        text += quote === null ? `"${ref}"` : quote === '"' ? ref : `'"${ref}"'`;
        i += m[0].length - 1;
        continue;
      }
    }
    text += c;
  }
  return { text, names };
}

/** The placeholders `command` uses that `params` does not give ({run_dir} and {checkpoint} are always given). */
export function missingParams(command: string, params: Record<string, string>): string[] {
  return expandCommandPlaceholders(command).names.filter(
    (n) => !RESERVED_PLACEHOLDERS.includes(n) && !Object.hasOwn(params, n),
  );
}

/** Parameters as the one-line JSON object TRAINYARD_PARAMS holds, keys sorted. */
export function paramsJson(params: Record<string, string>): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.keys(params)
        .sort()
        .map((k) => [k, params[k]]),
    ),
  );
}

/** The parameters as shell variables, and the TRAINYARD_* exports (ty_run_dir and ty_session set before). */
export function paramLines(params: Record<string, string>): string[] {
  return [
    `ty_params=${shQuote(paramsJson(params))}`,
    ...Object.keys(params)
      .sort()
      .map((k) => `${PARAM_VARIABLE_PREFIX}${k}=${shQuote(params[k])}`),
    `export TRAINYARD_RUN_DIR="$${RUN_DIR_VARIABLE}" TRAINYARD_RUN="$ty_session" TRAINYARD_PARAMS="$ty_params"`,
  ];
}

/**
 * The lines of a launch script that belong to the run's lineage (a restart keeps them): the
 * run directory and the parameters as variables, and the environment the program gets.
 */
export function runLineageLines(run: { runDir: string; params: Record<string, string> }): string[] {
  return [`${RUN_DIR_VARIABLE}=${shQuote(run.runDir)}`, ...paramLines(run.params)];
}
