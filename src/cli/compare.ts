/**
 * `trainyard compare NAME [--json|--csv|--md] [--host H]`: a sweep's runs side by side (the
 * params that differ, final/min/best of each metric, the best marked), read from the runs' metrics
 * files and logs. Finished runs are added once to results.jsonl in the data directory.
 */
import Table from 'cli-table3';
import { defaultDataDir } from '../actions/localManifests.js';
import { transportExec } from '../backends/runBackend.js';
import type { Config } from '../config/types.js';
import { compareCells, compareCsv, compareMarkdown } from '../format/compare.js';
import { compareFromHosts, primaryMetricOf, runsToCompare } from '../runs/compareRead.js';
import { recordResults } from '../runs/results.js';
import { fleetRows } from '../runs/runsModel.js';
import { HostRunsReader } from '../runs/runsReader.js';
import { configRedactor, redactDeep } from '../secrets/redact.js';
import { type ParsedArgs, UsageError } from './args.js';
import { openHostTransport } from './hostTransport.js';
import { printJson, printText } from './print.js';
import { targetHosts } from './watchdog.js';

export async function runCompareCli(
  config: Config,
  args: ParsedArgs,
  out: NodeJS.WritableStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const name = args.positionals[0];
  if (args.positionals.length !== 1 || !name)
    throw new UsageError(
      'usage: trainyard compare NAME [--json|--csv|--md] [--host H]   (NAME: a sweep, or a project)',
    );
  const formats = ['json', 'csv', 'md'].filter((f) => args.flags[f] === true);
  if (formats.length > 1)
    throw new UsageError(`choose one of --json, --csv, --md (not ${formats.map((f) => `--${f}`).join(' and ')})`);
  const hosts = targetHosts(config, args, undefined, true);
  const timeoutMs = args.timeoutSeconds * 1000;
  const conns = new Map<string, Awaited<ReturnType<typeof openHostTransport>>>();
  const errors: { host: string; error: string }[] = [];
  try {
    await Promise.all(
      hosts.map(async (alias) => {
        try {
          conns.set(alias, await openHostTransport(config, alias, timeoutMs));
        } catch (error) {
          errors.push({ host: alias, error: (error as Error).message });
        }
      }),
    );
    const read = await Promise.all(
      [...conns].map(async ([alias, c]) => {
        try {
          return await new HostRunsReader(alias, config).read(transportExec(c.transport), timeoutMs);
        } catch (error) {
          errors.push({ host: alias, error: (error as Error).message });
          return null;
        }
      }),
    );
    const rows = fleetRows(read.flatMap((h) => (h ? [h] : [])));
    const chosen = runsToCompare(rows, name);
    if (chosen.length === 0) {
      printText(
        process.stderr,
        `trainyard: no run belongs to a sweep or project named "${name}"${errors.length ? ' on the hosts that answered' : ''}`,
      );
      for (const e of errors) printText(process.stderr, `${e.host}: ${e.error}`);
      return 1;
    }
    const result = await compareFromHosts(config, name, rows, (host) => {
      const c = conns.get(host);
      return c ? transportExec(c.transport) : null;
    });
    errors.push(...result.errors);
    await recordResults(
      defaultDataDir(env),
      chosen.map((row) => ({ row, metrics: result.metrics.get(row.key) ?? {} })),
      (project) => primaryMetricOf(config, project),
    ).catch((error: Error) => errors.push({ host: 'local', error: `results.jsonl not written: ${error.message}` }));
    const redactor = configRedactor(config, env);
    const table = redactDeep(result.table, redactor);
    if (args.flags.json === true) printJson(out, { ...table, errors });
    else if (args.flags.csv === true) printText(out, compareCsv(table));
    else if (args.flags.md === true) printText(out, compareMarkdown(table));
    else {
      const { head, rows: cells } = compareCells(table);
      const t = new Table({ head, style: { head: [], border: [] } });
      for (const r of cells) t.push(r);
      const by = table.primary
        ? `sorted by ${table.primary.name} (${table.primary.goal === 'min' ? 'lower' : 'higher'} is better), * the best`
        : 'no metric to sort by';
      printText(out, `${name}: ${table.rows.length} run${table.rows.length === 1 ? '' : 's'}, ${by}`);
      printText(out, t.toString());
    }
    for (const e of errors) printText(process.stderr, `${e.host}: ${e.error}`);
    return errors.length ? 1 : 0;
  } finally {
    for (const c of conns.values()) c.close();
  }
}
