/**
 * What the server-side queue test builds and reads: the recorder its runs execute, the queue
 * entries and sweep records written the way the laptop writes them, and the files the runs and
 * the watchdog leave on the host (read from its home directory on disk).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { LaunchRequest } from '../../src/backends/runBackend.js';
import { type RunManifest, runFile } from '../../src/runs/layout.js';
import { shQuote } from '../../src/shell/quote.js';
import { buildQueueEntry, type QueueEntry } from '../../src/sweeps/queueEntry.js';
import type { SweepFile } from '../../src/sweeps/sweepFiles.js';
import type { WatchdogEvent } from '../../src/watchdog/events.js';

/** Records "<CUDA_VISIBLE_DEVICES> <start ms> <end ms> <tag>" after sleeping, then exits with the code given. */
export const RECORDER = [
  'tag=$1 secs=$2 code=${3:-0}',
  's=$(date +%s%3N)',
  'sleep "$secs"',
  'printf \'%s %s %s %s\\n\' "$CUDA_VISIBLE_DEVICES" "$s" "$(date +%s%3N)" "$tag" >> record.txt',
  'exit "$code"',
].join('\n');

/** One line of the recorder's file. */
export interface RecordedRun {
  gpus: string;
  start: number;
  end: number;
  tag: string;
}

export function readRecords(file: string): RecordedRun[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [gpus, start, end, ...tag] = l.split(' ');
      return { gpus, start: Number(start), end: Number(end), tag: tag.join(' ') };
    });
}

/** The watchdog's events.jsonl, parsed line by line. */
export function readEvents(file: string): WatchdogEvent[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as WatchdogEvent);
}

export interface RecorderRunOptions {
  tag?: string;
  secs?: number;
  code?: number;
  sweep?: string;
  before?: string;
  restarts?: number;
  want?: number;
}

/** The queue entry the laptop builds for run `id` of project proj in `home`; its command runs the recorder with `tag`. */
export function recorderEntry(
  host: string,
  home: string,
  id: string,
  opts: RecorderRunOptions,
  queuedAt: number,
): QueueEntry {
  const command = `${opts.before ?? ''}bash rec.sh ${shQuote(opts.tag ?? id)} ${opts.secs ?? 2} ${opts.code ?? 0}`;
  const manifest = {
    session: id,
    project: 'proj',
    host,
    remoteDir: `${home}/proj`,
    log: runFile(home, id, 'log'),
    command,
    resume: null,
    checkpoints: null,
    gpus: null,
    startedAt: '',
    parent: null,
    resumedFrom: null,
    configHash: `hash-${id}`,
    git: { commit: null, dirty: false, diffHash: null },
    autoRestart: { enabled: opts.restarts !== undefined, max: opts.restarts ?? 3, backoffSeconds: 3 },
    restartCount: 0,
    sweep: opts.sweep ?? null,
    params: {},
  } as RunManifest;
  const launch: LaunchRequest = {
    host,
    id,
    project: 'proj',
    home,
    remoteDir: `${home}/proj`,
    log: manifest.log,
    command,
    env: { TAG_ECHO: opts.tag ?? id },
    activation: { kind: 'none' },
    gpus: null,
    secrets: null,
    runDir: `${home}/proj/outputs/${id}`,
    params: {},
    manifest,
  };
  return buildQueueEntry({ launch, want: opts.want ?? 1, share: false, queuedAt });
}

/** A sweep of project proj as the laptop records it, with these shares of its maxParallel. */
export function sweepRecord(name: string, maxParallelOn: Record<string, number>): SweepFile {
  return {
    name,
    project: 'proj',
    params: [],
    maxParallel: Object.values(maxParallelOn).reduce((a, b) => a + b, 0),
    maxParallelOn,
    failLimit: 3,
    freeMemoryMiB: null,
    gpusPerRun: 1,
    createdAt: new Date().toISOString(),
  };
}
