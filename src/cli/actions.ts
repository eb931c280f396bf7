/**
 * The research-loop CLI commands: sync, smoke, launch, restart, pull, stop, attach, clear. They run the
 * same action definitions as the cockpit, through the same runner; the exit code says how it
 * went (0 ok, 1 failed or not confirmed, 2 usage/config, 130 cancelled with Ctrl-C).
 */
import { createInterface } from 'node:readline';
import { formatBytes } from '../actions/parsers/rsync.js';
import { ActionRunner, type Answerer, type RunnerEvent } from '../actions/runner.js';
import type { ActionId, ActionParams, ActionProgress, Question, Verdict } from '../actions/types.js';
import { backendForHost } from '../backends/select.js';
import { DRY_RUN_HEADER } from '../commands/value.js';
import type { Config } from '../config/types.js';
import { parseParamAssignments } from '../runs/params.js';
import type { Transport } from '../transport/types.js';
import { type ParsedArgs, UsageError } from './args.js';
import { openHostTransport } from './hostTransport.js';
import { clearProgressLine, printProgress, printText } from './print.js';

export const ACTION_COMMANDS: readonly string[] = [
  'sync',
  'smoke',
  'launch',
  'restart',
  'pull',
  'stop',
  'attach',
  'clear',
];

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

const ALIAS = /^[A-Za-z0-9_.@%+:-]+$/;

interface Parsed {
  action: ActionId;
  host: string;
  project: string | null;
  session: string | null;
  params: ActionParams;
}

function parse(config: Config, args: ParsedArgs): Parsed {
  const action = args.command as ActionId;
  const flag = (name: string) => (typeof args.flags[name] === 'string' ? (args.flags[name] as string) : undefined);
  if (action === 'stop' || action === 'attach') {
    const [host, session, ...rest] = args.positionals;
    if (!host || session === undefined || rest.length) throw new UsageError(`usage: trainyard ${action} HOST SESSION`);
    if (!ALIAS.test(host)) throw new UsageError(`"${host}" is not an ssh_config alias`);
    return {
      action,
      host,
      project: null,
      session,
      params: action === 'attach' ? { where: args.flags['new-window'] ? 'new-window' : 'here' } : {},
    };
  }
  if (action === 'clear') {
    const [host, ...rest] = args.positionals;
    if (!host || rest.length) throw new UsageError('usage: trainyard clear HOST [--yes]');
    if (!ALIAS.test(host)) throw new UsageError(`"${host}" is not an ssh_config alias`);
    return { action, host, project: null, session: null, params: {} };
  }
  const [project, ...rest] = args.positionals;
  if (!project || rest.length)
    throw new UsageError(`usage: trainyard ${action} PROJECT --host HOST [--yes] [--dry-run]`);
  let host = flag('host');
  if (host === undefined) {
    if (config.hosts.length !== 1)
      throw new UsageError(
        `--host is needed: the config has ${config.hosts.length} hosts (${config.hosts.map((h) => h.alias).join(', ')})`,
      );
    host = config.hosts[0].alias;
  }
  if (!ALIAS.test(host)) throw new UsageError(`--host "${host}" is not an ssh_config alias`);
  return {
    action,
    host,
    project,
    session: null,
    params: {
      session: flag('session'),
      gpus: flag('gpus'),
      from: flag('from'),
      run: flag('run'),
      runParams: runParamsFlag(args.flags.param),
    },
  };
}

function runParamsFlag(values: ParsedArgs['flags'][string]): Record<string, string> | undefined {
  if (!Array.isArray(values)) return undefined;
  try {
    return parseParamAssignments(values);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function progressBar(p: ActionProgress, width: number): string {
  const pct = p.fraction === null ? '' : ` ${Math.round(p.fraction * 100)}%`;
  const extra = [p.bytes !== undefined ? formatBytes(p.bytes) : '', p.rate ?? '', p.eta ? `eta ${p.eta}` : '']
    .filter(Boolean)
    .join(' ');
  const text = `${pct} ${extra}`;
  const bar = Math.max(10, Math.min(40, width - p.label.length - text.length - 4));
  const filled = p.fraction === null ? 0 : Math.round(p.fraction * bar);
  return `${p.label} [${'#'.repeat(filled)}${'.'.repeat(bar - filled)}]${text}`.slice(0, Math.max(20, width - 1));
}

/** Confirmations from the terminal (y/N); without one, only --yes says yes. Inputs and choices take their default. */
export function terminalAnswerer(io: CliIo, print: (text: string) => void): Answerer {
  return async (q: Question) => {
    if (q.kind !== 'confirm') return q.defaultValue;
    print(`\n${q.message}`);
    const shown = q.details.slice(0, 100);
    for (const d of shown) print(`  ${d}`);
    if (q.details.length > shown.length) print(`  … and ${q.details.length - shown.length} more`);
    if (!io.stdin.isTTY) {
      print('no terminal to ask: answering no (pass --yes to answer yes)');
      return false;
    }
    const rl = createInterface({ input: io.stdin, output: io.stderr });
    const answer = await new Promise<string>((resolve) => {
      rl.on('SIGINT', () => resolve(''));
      rl.on('close', () => resolve(''));
      rl.question('[y/N] ', resolve);
    });
    rl.close();
    return /^y(es)?$/i.test(answer.trim());
  };
}

export async function runActionCli(
  config: Config,
  args: ParsedArgs,
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env },
): Promise<number> {
  const target = parse(config, args);
  const dryRun = Boolean(args.flags['dry-run']);
  const assumeYes = Boolean(args.flags.yes);
  let progressShown = false;
  const clearProgress = () => {
    if (progressShown) clearProgressLine(io.stderr);
    progressShown = false;
  };
  const err = (text: string) => {
    clearProgress();
    printText(io.stderr, text);
  };
  const out = (text: string) => {
    clearProgress();
    printText(io.stdout, text);
  };
  let lastProgress = 0;
  const onEvent = (e: RunnerEvent) => {
    if (e.type === 'line') {
      if (e.kind === 'command' || (e.kind === 'out' && !dryRun)) out(e.text);
      else if (e.kind === 'warn') err(`! ${e.text}`);
      else err(e.text);
    } else if (e.type === 'progress' && io.stderr.isTTY) {
      if (e.progress === null) return clearProgress();
      const now = Date.now();
      if (now - lastProgress < 100 && e.progress.fraction !== 1) return;
      lastProgress = now;
      printProgress(io.stderr, progressBar(e.progress, io.stderr.columns || 80));
      progressShown = true;
    }
  };

  let connection: { transport: Transport; close(): void } | null = null;
  const runner = new ActionRunner({
    config,
    env: io.env,
    onEvent,
    answerer: terminalAnswerer(io, err),
    transportFor: async (host) => {
      connection = await openHostTransport(config, host, args.timeoutSeconds * 1000);
      return connection.transport;
    },
    backendFor: (host, transport) => backendForHost(config, host, transport),
  });
  if (dryRun) out(DRY_RUN_HEADER);
  const { runId, done } = runner.start(
    target.action,
    { host: target.host, project: target.project, session: target.session, params: target.params },
    { dryRun, assumeYes },
  );
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    err('cancelling…');
    runner.cancel(runId);
  };
  process.on('SIGINT', onSigint);
  let v: Verdict;
  try {
    v = await done;
  } finally {
    process.off('SIGINT', onSigint);
    (connection as { close(): void } | null)?.close();
  }
  clearProgress();
  const mark =
    v.outcome === 'ok'
      ? 'ok:'
      : v.outcome === 'failed'
        ? 'FAILED:'
        : v.outcome === 'declined'
          ? 'not done:'
          : 'cancelled:';
  const report = dryRun ? err : out;
  report(`${mark} ${v.summary.replace(/^not done: /, '')}`);
  for (const d of v.details) report(`  ${d}`);
  if (v.hint) report(`  → ${v.hint}`);
  if (v.outcome === 'ok') return 0;
  if (v.outcome === 'cancelled' || interrupted) return 130;
  if (v.cause === 'config') return 2;
  return 1;
}
