/**
 * `trainyard sweep …`: start a sweep (a project with --grid, or a "sweeps" entry of the config),
 * `sweep stop NAME [--kill]`, `sweep list [--json]`, `sweep rebalance`. Each opens one connection
 * per host, moves queued runs from busy hosts to free ones (rebalancing) while it is online, and
 * exits 0 when everything went as planned, 1 when something failed or was declined, 2 on usage.
 */

import { defaultDataDir } from '../actions/localManifests.js';
import { ActionCancelled, ActionFailure } from '../actions/types.js';
import { DRY_RUN_HEADER } from '../commands/value.js';
import type { Config } from '../config/types.js';
import { configRedactor } from '../secrets/redact.js';
import { SecretsError } from '../secrets/secrets.js';
import { SweepError } from '../sweeps/expand.js';
import { summariseSweeps, sweepStatusLine } from '../sweeps/listSweeps.js';
import { rebalance } from '../sweeps/rebalanceHosts.js';
import type { SweepSession } from '../sweeps/session.js';
import { resolveSweep } from '../sweeps/spec.js';
import { lookAtHosts, startSweep } from '../sweeps/startSweep.js';
import { stopSweep } from '../sweeps/stopSweep.js';
import type { Transport } from '../transport/types.js';
import { type CliIo, terminalAnswerer } from './actions.js';
import { type ParsedArgs, UsageError } from './args.js';
import { openHostTransport } from './hostTransport.js';
import { printJson, printText } from './print.js';

const USAGE_LINE =
  'usage: trainyard sweep PROJECT --grid NAME=V1,V2 [--grid …] [--param NAME=V] [--name NAME] [--hosts A,B] [--gpus-per-run N] [--max-parallel N] [--yes|--dry-run]\n' +
  '       trainyard sweep NAME            (a "sweeps" entry of the config)\n' +
  '       trainyard sweep stop NAME [--kill] [--yes]\n' +
  '       trainyard sweep list [--json]\n' +
  '       trainyard sweep rebalance';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function count(args: ParsedArgs, name: string): number | undefined {
  const v = str(args.flags[name]);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1)
    throw new UsageError(`--${name} takes a whole number of at least 1, not "${v}"`);
  return Number(v);
}

/** The connections of one CLI command: opened on first use, each host once, all closed at the end. */
function connectionPool(config: Config, timeoutMs: number) {
  const open = new Map<string, Promise<{ transport: Transport; close(): void }>>();
  return {
    transportFor(host: string): Promise<Transport> {
      let c = open.get(host);
      if (!c) {
        c = openHostTransport(config, host, timeoutMs);
        open.set(host, c);
      }
      return c.then((x) => x.transport);
    },
    async closeAll(): Promise<void> {
      for (const c of open.values()) {
        try {
          (await c).close();
        } catch {
          // it never opened
        }
      }
    },
  };
}

export async function runSweepCli(
  config: Config,
  args: ParsedArgs,
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env },
): Promise<number> {
  const [first, ...rest] = args.positionals;
  if (!first) throw new UsageError(USAGE_LINE);
  const dryRun = Boolean(args.flags['dry-run']);
  const assumeYes = Boolean(args.flags.yes);
  const redactor = configRedactor(config, io.env);
  const out = (t: string) => printText(io.stdout, redactor.redact(t));
  const err = (t: string) => printText(io.stderr, redactor.redact(t));
  const answer = terminalAnswerer(io, err);
  const pool = connectionPool(config, args.timeoutSeconds * 1000);
  const controller = new AbortController();
  const session: SweepSession = {
    config,
    transportFor: (h) => pool.transportFor(h),
    dataDir: defaultDataDir(io.env),
    env: io.env,
    dryRun,
    assumeYes,
    signal: controller.signal,
    by: 'user',
    output: (line, kind = 'out') => {
      if (kind === 'command' || kind === 'out') out(line);
      else if (kind === 'warn') err(`! ${line}`);
      else err(line);
    },
    confirm: async (message, details, destructive) =>
      (await answer({ kind: 'confirm', title: 'sweep', message, details, destructive }, 0)) === true,
  };
  const onSigint = () => {
    err('cancelling…');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    if (dryRun) out(DRY_RUN_HEADER);
    if (first === 'stop') {
      if (rest.length !== 1) throw new UsageError('usage: trainyard sweep stop NAME [--kill] [--yes]');
      const r = await stopSweep(session, rest[0], { kill: Boolean(args.flags.kill) });
      out(`${r.ok ? 'ok:' : r.declined ? 'not done:' : 'FAILED:'} ${r.summary}`);
      return r.ok ? 0 : 1;
    }
    if (first === 'list' || first === 'rebalance') {
      if (rest.length) throw new UsageError(`usage: trainyard sweep ${first}`);
      const hosts = config.hosts.map((h) => h.alias);
      let looks = await lookAtHosts(session, hosts, null);
      const moved = await rebalance(session, looks);
      if (moved.length && !dryRun) looks = await lookAtHosts(session, hosts, null);
      const unreachable = looks.filter((l) => l.error).map((l) => ({ host: l.host, error: l.error as string }));
      if (first === 'rebalance') {
        out(`${moved.length} queued run(s) moved${moved.map((m) => `\n  ${m.id}: ${m.from} → ${m.to}`).join('')}`);
      } else {
        const sweeps = summariseSweeps(looks);
        if (args.json) printJson(io.stdout, { sweeps, moved, unreachable });
        else {
          for (const s of sweeps) out(sweepStatusLine(s));
          if (!sweeps.length) out('no sweeps on the hosts');
        }
      }
      if (!args.json) for (const u of unreachable) err(`${u.host}: cannot be reached: ${u.error}`);
      return unreachable.length ? 1 : 0;
    }
    if (rest.length) throw new UsageError(USAGE_LINE);
    const hosts = str(args.flags.hosts);
    const spec = resolveSweep(config, {
      target: first,
      grid: list(args.flags.grid),
      params: list(args.flags.param),
      name: str(args.flags.name),
      hosts: hosts === undefined ? undefined : hosts.split(',').filter(Boolean),
      gpusPerRun: count(args, 'gpus-per-run'),
      maxParallel: count(args, 'max-parallel'),
    });
    const r = await startSweep(session, spec);
    out(`${r.ok ? 'ok:' : r.declined ? 'not done:' : 'FAILED:'} ${r.summary}`);
    if (r.ok && !dryRun) out(`  follow it: trainyard sweep list   stop it: trainyard sweep stop ${spec.name}`);
    return r.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof SweepError) {
      err(`trainyard: ${error.message}${error.hint ? `\n  → ${error.hint}` : ''}`);
      return 2;
    }
    if (error instanceof ActionFailure || error instanceof SecretsError) {
      err(`FAILED: ${error.message}${error.hint ? `\n  → ${error.hint}` : ''}`);
      return 1;
    }
    if (error instanceof ActionCancelled) {
      err('cancelled');
      return 130;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    await pool.closeAll();
  }
}
