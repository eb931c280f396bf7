import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export const USAGE = `trainyard — a cockpit for training on remote GPU servers

Usage:
  trainyard                     open the cockpit (full screen)
  trainyard status [--json]     print every host's state, GPUs and tmux sessions once
  trainyard doctor              check each host and say what to fix
  trainyard help                this text

Options:
  --config FILE     use this config file instead of the default location
  --timeout SEC     (status, doctor) how long to wait for hosts, default 20
  --json            (status) machine-readable output
  --version         print the version`;

export interface ParsedArgs {
  command: string;
  positionals: string[];
  config?: string;
  json: boolean;
  timeoutSeconds: number;
  version: boolean;
  help: boolean;
  flags: Record<string, string | boolean | undefined>;
}

export function parseCliArgs(argv: string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        json: { type: 'boolean' },
        timeout: { type: 'string' },
        version: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
        host: { type: 'string' },
        yes: { type: 'boolean', short: 'y' },
        'dry-run': { type: 'boolean', short: 'n' },
        since: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const timeoutSeconds = values.timeout === undefined ? 20 : Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError(`--timeout must be a number of seconds, e.g. --timeout 30`);
  return {
    command: positionals[0] ?? 'cockpit',
    positionals: positionals.slice(1),
    config: values.config,
    json: values.json ?? false,
    timeoutSeconds,
    version: values.version ?? false,
    help: values.help ?? false,
    flags: values as Record<string, string | boolean | undefined>,
  };
}
