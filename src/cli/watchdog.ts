/**
 * `trainyard watchdog install|status|uninstall [HOST]`: the server-side watchdog that watches
 * runs while the cockpit (and the laptop) are away. Exit 0 ok, 1 a host failed, 2 usage.
 */
import { DRY_RUN_HEADER, describeCommand } from '../commands/value.js';
import type { Config } from '../config/types.js';
import { configRedactor, redactDeep } from '../secrets/redact.js';
import type { Transport } from '../transport/types.js';
import { uninstallCommand } from '../watchdog/commands.js';
import type { WatchdogConfig } from '../watchdog/config.js';
import { formatEvent } from '../watchdog/events.js';
import {
  installCommands,
  installWatchdog,
  plannedConfig,
  uninstallWatchdog,
  type WatchdogConfigChanges,
} from '../watchdog/operations.js';
import { type WatchdogStatus, watchdogStatusFor } from '../watchdog/status.js';
import { type ParsedArgs, UsageError } from './args.js';
import { openHostTransport } from './hostTransport.js';
import { printJson, printText } from './print.js';

const ALIAS = /^[A-Za-z0-9_.@%+:-]+$/;

/** The hosts a command names: HOST, --host H, or every configured host (status, events). */
export function targetHosts(config: Config, args: ParsedArgs, positional: string | undefined, all: boolean): string[] {
  const named = positional ?? (typeof args.flags.host === 'string' ? args.flags.host : undefined);
  if (named !== undefined) {
    if (!ALIAS.test(named)) throw new UsageError(`"${named}" is not an ssh_config alias`);
    return [named];
  }
  if (all || config.hosts.length === 1) return config.hosts.map((h) => h.alias);
  throw new UsageError(
    `name the host: the config has ${config.hosts.length} hosts (${config.hosts.map((h) => h.alias).join(', ')})`,
  );
}

function seconds(flag: unknown, name: string, multiplier: number): number | undefined {
  if (flag === undefined) return undefined;
  const n = Number(flag);
  if (typeof flag !== 'string' || !/^\d+(\.\d+)?$/.test(flag) || !Number.isFinite(n))
    throw new UsageError(`--${name} must be a number, e.g. --${name} ${multiplier === 60 ? '10' : '30'}`);
  return Math.round(n * multiplier);
}

/** What the flags change: --interval SEC, --stall MIN, --silent MIN, --webhook URL|none (or $TRAINYARD_WEBHOOK_URL). */
export function configChanges(args: ParsedArgs, env: NodeJS.ProcessEnv): WatchdogConfigChanges {
  const changes: WatchdogConfigChanges = {
    intervalSeconds: seconds(args.flags.interval, 'interval', 1),
    stallSeconds: seconds(args.flags.stall, 'stall', 60),
    silentSeconds: seconds(args.flags.silent, 'silent', 60),
  };
  const webhook = typeof args.flags.webhook === 'string' ? args.flags.webhook : env.TRAINYARD_WEBHOOK_URL;
  if (webhook !== undefined && webhook !== '') changes.webhookUrl = webhook === 'none' ? null : webhook;
  return changes;
}

function describeConfig(c: WatchdogConfig): string {
  const min = (s: number) => (s % 60 === 0 ? `${s / 60} min` : `${s} s`);
  return `every ${c.intervalSeconds} s; stalled after ${min(c.stallSeconds)} under ${c.gpuIdlePercent}% GPU, silent after ${min(c.silentSeconds)}; webhook ${c.webhookUrl ? `on (${new URL(c.webhookUrl).host})` : 'off'}`;
}

function describeStatus(alias: string, s: WatchdogStatus): string[] {
  if (s.error) return [`${alias}: cannot ask the watchdog: ${s.error}`];
  if (!s.installed) return [`${alias}: no watchdog installed (trainyard watchdog install ${alias})`];
  const lines = [
    `${alias}: watchdog ${s.version ?? '?'} ${s.running ? `running (pid ${s.pid})` : 'NOT running (trainyard watchdog install starts it)'}${s.upToDate ? '' : ' — older than this trainyard: install upgrades it'}` +
      (s.summaryAgeSeconds !== null ? `, summary ${s.summaryAgeSeconds} s old${s.stale ? ' (STALE)' : ''}` : ''),
  ];
  for (const r of s.summary?.runs ?? []) {
    const health = [r.stalled ? 'STALLED' : '', r.silent ? 'SILENT' : '', ...r.flags].filter(Boolean).join(', ');
    lines.push(
      `  ${r.session}: ${r.status}${r.exitCode !== null && r.status !== 'running' ? ` (exit ${r.exitCode})` : ''}${health ? ` [${health}]` : ''}${r.autoRestart.child ? ` → ${r.autoRestart.child}` : ''}`,
    );
  }
  for (const d of s.summary?.disks ?? [])
    if (d.full) lines.push(`  disk ${d.path}: ${d.usedPercent}% used, ${(d.availableMiB / 1024).toFixed(1)} GiB free`);
  if (s.unreadCount) {
    lines.push(`  ${s.unreadCount} unread event(s):`);
    for (const e of s.unread) lines.push(`  ${formatEvent(e, alias)}`);
  }
  return lines;
}

export async function runWatchdogCli(
  config: Config,
  args: ParsedArgs,
  out: NodeJS.WritableStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [sub, host, ...rest] = args.positionals;
  if (!['install', 'status', 'uninstall'].includes(sub ?? '') || rest.length)
    throw new UsageError('usage: trainyard watchdog install|status|uninstall [HOST]');
  const hosts = targetHosts(config, args, host, sub === 'status');
  const changes = sub === 'install' ? configChanges(args, env) : {};
  const dryRun = Boolean(args.flags['dry-run']);
  const timeoutMs = args.timeoutSeconds * 1000;

  const results = await Promise.all(
    hosts.map(async (alias): Promise<{ ok: boolean; lines: string[]; json?: unknown }> => {
      let conn: { transport: Transport; close(): void };
      try {
        conn = await openHostTransport(config, alias, timeoutMs);
      } catch (error) {
        const message = `${alias}: ${(error as Error).message}`;
        return { ok: false, lines: [message], json: { host: alias, error: (error as Error).message } };
      }
      try {
        if (sub === 'status') {
          const s = redactDeep(await watchdogStatusFor(conn.transport, alias), configRedactor(config, env));
          return {
            ok: !s.error && s.running && !s.stale,
            lines: describeStatus(alias, s),
            json: { host: alias, ...s },
          };
        }
        if (dryRun) {
          const commands =
            sub === 'install'
              ? installCommands(alias, await plannedConfig(conn.transport, alias, changes))
              : [uninstallCommand(alias)];
          return { ok: true, lines: commands.map(describeCommand) };
        }
        if (sub === 'install') {
          const r = await installWatchdog(conn.transport, alias, changes);
          return {
            ok: true,
            lines: [`${alias}: watchdog ${r.version} ${r.action} (pid ${r.pid ?? '?'}); ${describeConfig(r.config)}`],
            json: { host: alias, ...r, config: { ...r.config, webhookUrl: r.config.webhookUrl ? 'set' : null } },
          };
        }
        const r = await uninstallWatchdog(conn.transport, alias);
        return {
          ok: true,
          lines: [`${alias}: ${r.removed ? 'watchdog stopped and removed' : 'no watchdog was installed'}`],
          json: { host: alias, ...r },
        };
      } catch (error) {
        return {
          ok: false,
          lines: [`${alias}: ${(error as Error).message}`],
          json: { host: alias, error: (error as Error).message },
        };
      } finally {
        conn.close();
      }
    }),
  );
  if (args.json && !dryRun) printJson(out, { hosts: results.map((r) => r.json) });
  else {
    if (dryRun) printText(out, DRY_RUN_HEADER);
    for (const r of results) printText(out, r.lines.join('\n'));
  }
  return results.every((r) => r.ok) ? 0 : 1;
}
