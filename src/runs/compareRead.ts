/**
 * Reading what a comparison needs from a host, one exec for all of its runs: the end of each
 * run's log and the metrics files in its run directory (metrics.json, *.jsonl), each as base64
 * on one line so no file content can forge a marker. Then the comparison itself.
 */
import type { CommandExec } from '../backends/runBackend.js';
import { bashScriptArgv, type RemoteCommand } from '../commands/value.js';
import type { Config } from '../config/types.js';
import {
  type CompareInput,
  type CompareTable,
  compareRuns,
  type MetricValues,
  mergeMetrics,
  metricsFromJson,
  metricsFromJsonl,
  metricsFromLog,
  type PrimaryMetric,
} from './compare.js';
import type { RunRow } from './runsModel.js';

/** Bytes of a log's end read for its metrics, and the most read of one metrics file. */
export const COMPARE_LOG_BYTES = 512 * 1024;
export const COMPARE_FILE_BYTES = 2 * 1024 * 1024;
/** Runs read per exec, so one answer stays well under the transport's output cap. */
const RUNS_PER_READ = 3;

export function compareReadCommand(
  host: string,
  runs: readonly { runDir: string; log: string | null }[],
): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: 'read the metrics files and the log ends of the runs compared',
    readOnly: true,
    argv: bashScriptArgv(
      'trainyard-compare-read',
      [
        'i=0',
        'while [ $# -ge 2 ]; do',
        '  d=$1; l=$2; shift 2',
        `  if [ -n "$l" ] && [ -f "$l" ]; then printf '@@log %s ' "$i"; tail -c ${COMPARE_LOG_BYTES} -- "$l" | base64 | tr -d '\\n'; printf '\\n'; fi`,
        '  for f in "$d"/metrics.json "$d"/*.jsonl; do',
        '    [ -f "$f" ] || continue',
        `    printf '@@file %s %s ' "$i" "$(printf %s "\${f##*/}" | base64 | tr -d '\\n')"; head -c ${COMPARE_FILE_BYTES} -- "$f" | base64 | tr -d '\\n'; printf '\\n'`,
        '  done',
        '  i=$((i + 1))',
        'done',
        "printf '@@end\\n'",
      ],
      ...runs.flatMap((r) => [r.runDir, r.log ?? '']),
    ),
  };
}

export interface RunFilesRead {
  log: string | null;
  files: { name: string; text: string }[];
}

export function parseCompareRead(output: string, count: number): RunFilesRead[] {
  const out: RunFilesRead[] = Array.from({ length: count }, () => ({ log: null, files: [] }));
  const b64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');
  for (const line of output.split('\n')) {
    const [marker, index, a, b] = line.split(' ');
    const i = Number(index);
    if (!Number.isInteger(i) || i < 0 || i >= count) continue;
    if (marker === '@@log') out[i].log = b64(a);
    else if (marker === '@@file') out[i].files.push({ name: b64(a), text: b64(b) });
  }
  return out;
}

/** A run's metrics from what was read: files first, then the log. */
export function runMetrics(read: RunFilesRead, pattern?: string | null): MetricValues {
  const files = read.files.map((f) => (f.name.endsWith('.jsonl') ? metricsFromJsonl(f.text) : metricsFromJson(f.text)));
  return mergeMetrics(files, read.log === null ? {} : metricsFromLog(read.log, pattern));
}

/** The project's primary metric from the config, or null. */
export function primaryMetricOf(config: Pick<Config, 'projects'>, project: string): PrimaryMetric | null {
  const m = config.projects[project]?.metric;
  return m ? { name: m.name, goal: m.goal ?? 'min' } : null;
}

/**
 * The rows of a comparison: the runs of sweep `name` or, when no run belongs to a sweep of that
 * name, the runs of project `name`. A restarted run is left out (its child continues it).
 */
export function runsToCompare(rows: readonly RunRow[], name: string): RunRow[] {
  const inSweep = rows.filter((r) => r.sweep === name);
  const chosen = inSweep.length ? inSweep : rows.filter((r) => r.project === name);
  return chosen.filter((r) => r.state !== 'restarted' && r.state !== 'queued');
}

/** Reads each host's runs' metrics (one exec per host) and builds the comparison. */
export async function compareFromHosts(
  config: Pick<Config, 'projects'>,
  name: string,
  rows: readonly RunRow[],
  execFor: (host: string) => CommandExec | null,
): Promise<{ table: CompareTable; metrics: Map<string, MetricValues>; errors: { host: string; error: string }[] }> {
  const chosen = runsToCompare(rows, name);
  const metrics = new Map<string, MetricValues>();
  const errors: { host: string; error: string }[] = [];
  const hosts = [...new Set(chosen.map((r) => r.host))];
  await Promise.all(
    hosts.map(async (host) => {
      const exec = execFor(host);
      if (!exec) return void errors.push({ host, error: 'not connected' });
      const all = chosen.filter((r) => r.host === host);
      for (let at = 0; at < all.length; at += RUNS_PER_READ) {
        const mine = all.slice(at, at + RUNS_PER_READ);
        const r = await exec(compareReadCommand(host, mine), { timeoutMs: 60_000 });
        if (r.code !== 0)
          return void errors.push({ host, error: (r.stderr || r.stdout).trim().split('\n')[0] || `exit ${r.code}` });
        parseCompareRead(r.stdout, mine.length).forEach((read, i) => {
          const run = mine[i];
          metrics.set(run.key, runMetrics(read, config.projects[run.project]?.metrics));
        });
      }
    }),
  );
  const inputs: CompareInput[] = chosen.map((r) => ({
    id: r.id,
    host: r.host,
    gpus: r.gpus,
    state: r.state,
    params: r.params,
    metrics: metrics.get(r.key) ?? {},
  }));
  const project = chosen[0]?.project ?? name;
  return { table: compareRuns(name, inputs, primaryMetricOf(config, project)), metrics, errors };
}
