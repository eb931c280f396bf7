/**
 * results.jsonl in the data directory: one line per finished run, written once, with its
 * manifest's story (host, GPUs, git commit, params, config hash) and its metrics' final, min and
 * best — the shared results file users used to keep by hand.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { goalOf, type MetricValues, type PrimaryMetric, summarise } from './compare.js';
import type { RunRow } from './runsModel.js';

export function resultsFile(dataDir: string): string {
  return path.join(dataDir, 'results.jsonl');
}

const keyOf = (host: string, run: string) => `${host}\u0000${run}`;

/** The runs already in the file (host and run id). */
export async function recordedRuns(dataDir: string): Promise<Set<string>> {
  const keys = new Set<string>();
  let text = '';
  try {
    text = await readFile(resultsFile(dataDir), 'utf8');
  } catch {
    return keys;
  }
  for (const line of text.split('\n')) {
    try {
      const o = JSON.parse(line) as { host?: unknown; run?: unknown };
      if (typeof o.host === 'string' && typeof o.run === 'string') keys.add(keyOf(o.host, o.run));
    } catch {
      // not a line of ours
    }
  }
  return keys;
}

/** Appends the finished runs not recorded yet; returns the ids it added. */
export async function recordResults(
  dataDir: string,
  runs: readonly { row: RunRow; metrics: MetricValues }[],
  primary: (project: string) => PrimaryMetric | null,
  now = new Date(),
): Promise<string[]> {
  const done = await recordedRuns(dataDir);
  const lines: string[] = [];
  const added: string[] = [];
  for (const { row, metrics } of runs) {
    if (row.state !== 'finished' || done.has(keyOf(row.host, row.id))) continue;
    done.add(keyOf(row.host, row.id));
    const p = primary(row.project);
    const summary = Object.fromEntries(
      Object.entries(metrics).flatMap(([name, values]) => {
        const s = summarise(values, goalOf(name, p));
        return s ? [[name, s]] : [];
      }),
    );
    const m = row.manifest;
    lines.push(
      JSON.stringify({
        recordedAt: now.toISOString(),
        host: row.host,
        run: row.id,
        project: row.project,
        sweep: row.sweep,
        params: row.params,
        gpus: row.gpus,
        git: m.git,
        configHash: m.configHash,
        command: m.effectiveCommand ?? m.command,
        startedAt: m.startedAt,
        runtimeSeconds: row.runtimeSeconds,
        runDir: row.runDir,
        exitCode: row.exitCode,
        metrics: summary,
      }),
    );
    added.push(row.id);
  }
  if (lines.length) {
    await mkdir(dataDir, { recursive: true });
    await appendFile(resultsFile(dataDir), `${lines.join('\n')}\n`);
  }
  return added;
}
