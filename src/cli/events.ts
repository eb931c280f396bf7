/**
 * `trainyard events [--since T] [--json] [--host H]`: the watchdogs' timeline from every host
 * (or one), merged by time, with the actions agents ran over MCP from this machine's record.
 * Reads events.jsonl over SSH; marks nothing as seen.
 */
import { defaultDataDir } from '../actions/localManifests.js';
import type { Config } from '../config/types.js';
import { agentActionEvent, readAgentActions } from '../mcp/agentActions.js';
import { configRedactor, redactDeep } from '../secrets/redact.js';
import { formatEvent, parseSince, type WatchdogEvent } from '../watchdog/events.js';
import { readWatchdogEvents } from '../watchdog/operations.js';
import { type ParsedArgs, UsageError } from './args.js';
import { openHostTransport } from './hostTransport.js';
import { printJson, printText } from './print.js';
import { targetHosts } from './watchdog.js';

export async function runEventsCli(
  config: Config,
  args: ParsedArgs,
  out: NodeJS.WritableStream = process.stdout,
  now: Date = new Date(),
  dataDir: string = defaultDataDir(),
): Promise<number> {
  if (args.positionals.length)
    throw new UsageError('usage: trainyard events [--since 8h|ISO-TIME] [--json] [--host H]');
  const sinceFlag = args.flags.since;
  const since = typeof sinceFlag === 'string' ? parseSince(sinceFlag, now) : null;
  if (typeof sinceFlag === 'string' && since === null)
    throw new UsageError(
      `--since takes a time (2026-11-23T08:00:00Z) or a duration (8h, 30m, 2d, 1h30m), not "${sinceFlag}"`,
    );
  const hosts = targetHosts(config, args, undefined, true);

  const perHost = await Promise.all(
    hosts.map(async (alias) => {
      try {
        const conn = await openHostTransport(config, alias, args.timeoutSeconds * 1000);
        try {
          return { alias, events: await readWatchdogEvents(conn.transport, alias, since), error: null };
        } finally {
          conn.close();
        }
      } catch (error) {
        return { alias, events: [] as WatchdogEvent[], error: (error as Error).message };
      }
    }),
  );
  const agent = (await readAgentActions(dataDir, since)).map(agentActionEvent).filter((e) => hosts.includes(e.alias));
  const merged = redactDeep(
    [...perHost.flatMap((h) => h.events.map((e) => ({ ...e, alias: h.alias }))), ...agent],
    configRedactor(config),
  );
  merged.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const errors = perHost.filter((h) => h.error !== null).map((h) => ({ host: h.alias, error: h.error as string }));

  if (args.json) printJson(out, { events: merged, errors });
  else {
    for (const e of merged) printText(out, formatEvent(e, e.alias));
    if (merged.length === 0) printText(out, `no events${since ? ` since ${since.toISOString()}` : ''}`);
    for (const e of errors) printText(out, `${e.host}: cannot read events: ${e.error}`);
  }
  return errors.length ? 1 : 0;
}
