/**
 * `trainyard runs [--sweep NAME] [--host H] [--json]`: every run on every host (the Runs model),
 * with the one-line fleet summary. One look per host (two for runs it has not seen before).
 */
import Table from 'cli-table3';
import { transportExec } from '../backends/runBackend.js';
import type { Config } from '../config/types.js';
import { formatPlace, RUN_COLUMNS, runCells } from '../format/runs.js';
import { fleetRows, fleetSummary, type HostRuns, type RunRow } from '../runs/runsModel.js';
import { sortRuns } from '../runs/runsOrder.js';
import { HostRunsReader } from '../runs/runsReader.js';
import { configRedactor, redactDeep } from '../secrets/redact.js';
import { type ParsedArgs, UsageError } from './args.js';
import { openHostTransport } from './hostTransport.js';
import { printJson, printText } from './print.js';
import { targetHosts } from './watchdog.js';

/** Every host's runs, read once; a host that cannot be read is an error beside the others' rows. */
export async function readFleetRuns(
  config: Config,
  hosts: readonly string[],
  timeoutMs: number,
): Promise<{ hosts: HostRuns[]; errors: { host: string; error: string }[] }> {
  const results = await Promise.all(
    hosts.map(async (alias) => {
      try {
        const conn = await openHostTransport(config, alias, timeoutMs);
        try {
          return {
            alias,
            runs: await new HostRunsReader(alias, config).read(transportExec(conn.transport), timeoutMs),
          };
        } finally {
          conn.close();
        }
      } catch (error) {
        return { alias, error: (error as Error).message };
      }
    }),
  );
  return {
    hosts: results.flatMap((r) => ('runs' in r && r.runs ? [r.runs] : [])),
    errors: results.flatMap((r) => ('error' in r && r.error !== undefined ? [{ host: r.alias, error: r.error }] : [])),
  };
}

/** The JSON shape of one run in `trainyard runs --json` (stable: scripts read it). */
export function runJsonRow(r: RunRow) {
  return {
    id: r.id,
    host: r.host,
    project: r.project,
    sweep: r.sweep,
    gpus: r.gpus,
    state: r.state,
    exitCode: r.exitCode,
    progress: r.progress,
    loss: r.loss,
    etaSeconds: r.etaSeconds,
    runtimeSeconds: r.runtimeSeconds,
    startedAt: r.startedAt === null ? null : new Date(r.startedAt).toISOString(),
    params: r.params,
    runDir: r.runDir,
    log: r.log,
    parent: r.parent,
    child: r.child,
    by: r.by,
    wantGpus: r.wantGpus,
    place: formatPlace(r),
  };
}

export function renderRunsTable(rows: readonly RunRow[]): string {
  const table = new Table({ head: RUN_COLUMNS.map((c) => c.title), style: { head: [], border: [] } });
  for (const r of rows) {
    const cells = runCells(r);
    table.push(RUN_COLUMNS.map((c) => cells[c.key]));
  }
  return table.toString();
}

export async function runRunsCli(
  config: Config,
  args: ParsedArgs,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  if (args.positionals.length) throw new UsageError('usage: trainyard runs [--sweep NAME] [--host H] [--json]');
  const sweep = typeof args.flags.sweep === 'string' ? args.flags.sweep : null;
  const hosts = targetHosts(config, args, undefined, true);
  const read = await readFleetRuns(config, hosts, args.timeoutSeconds * 1000);
  const all = sortRuns(fleetRows(read.hosts), 'state');
  const rows = sweep === null ? all : all.filter((r) => r.sweep === sweep);
  const summary = fleetSummary(rows);
  const redactor = configRedactor(config);
  if (args.json) printJson(out, redactDeep({ summary, runs: rows.map(runJsonRow), errors: read.errors }, redactor));
  else {
    printText(out, redactor.redact(summary));
    if (rows.length) printText(out, redactor.redact(renderRunsTable(rows)));
    else if (sweep !== null) printText(out, `no runs of sweep "${sweep}"`);
    for (const e of read.errors) printText(out, `${e.host}: ${e.error}`);
  }
  return read.errors.length ? 1 : 0;
}
