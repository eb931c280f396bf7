/**
 * What the `trainyard sweep` test on real hosts uses: the CLI's entry point, whether the watchdog's
 * queue runner is there, the sample project with a record.sh whose runs write when they start and
 * end, a config naming the test hosts, and the run intervals read back from those records.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { copySampleProject } from '../actions/helpers.js';
import type { TestHosts } from '../harness/testHosts.js';

/** The watchdog's queue runner (helper "queue"): with it, the queued runs start and every run finishes. */
export const RUNNER = existsSync(path.join(import.meta.dirname, '..', '..', 'src', 'watchdog', 'sh', 'queue.sh'));
export const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');

/** What a sweep run of the test does: record, "train" a few seconds, record. */
const RECORD_SH = `#!/bin/sh
# record.sh LR SEED SECONDS
f="$HOME/sweep-record.txt"
echo "start $(uname -n) gpu=$CUDA_VISIBLE_DEVICES run=$TRAINYARD_RUN lr=$1 seed=$2 t=$(date +%s.%N)" >> "$f"
sleep "$3"
echo "end $(uname -n) gpu=$CUDA_VISIBLE_DEVICES run=$TRAINYARD_RUN lr=$1 seed=$2 t=$(date +%s.%N)" >> "$f"
`;

/**
 * The sample project copied to work/sweepy with record.sh committed, and work/config.json naming
 * the lab's hosts and the project sweepy (its train runs record.sh; secs defaults to 3).
 * Returns the config file's path.
 */
export function writeSweepyProject(work: string, lab: TestHosts): string {
  const local = copySampleProject(path.join(work, 'sweepy'));
  writeFileSync(path.join(local, 'record.sh'), RECORD_SH);
  execFileSync('git', ['-C', local, 'add', 'record.sh'], { stdio: 'ignore' });
  execFileSync('git', ['-C', local, '-c', 'user.email=t@e', '-c', 'user.name=t', 'commit', '-qm', 'record'], {
    stdio: 'ignore',
  });
  const configFile = path.join(work, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      hosts: lab.hosts.map((h) => h.alias),
      sshConfig: lab.sshConfigPath,
      projects: {
        sweepy: {
          local,
          remote: '~/sweepy',
          train: 'sh record.sh {lr} {seed} {secs}',
          params: { secs: '3' },
          stopGraceSeconds: 1,
        },
      },
    }),
  );
  return configFile;
}

export interface Interval {
  host: string;
  gpu: string;
  run: string;
  start: number;
  end: number;
}

/** The runs' intervals from the hosts' record files (a run that has not ended is left out). */
export function intervals(records: string[]): Interval[] {
  const starts = new Map<string, { host: string; gpu: string; t: number }>();
  const out: Interval[] = [];
  for (const text of records)
    for (const line of text.split('\n')) {
      const m = /^(start|end) (\S+) gpu=(\S*) run=(\S+) .* t=([\d.]+)$/.exec(line);
      if (!m) continue;
      const [, kind, host, gpu, run, t] = m;
      if (kind === 'start') starts.set(run, { host, gpu, t: Number(t) });
      else {
        const s = starts.get(run);
        if (s) out.push({ host, gpu, run, start: s.t, end: Number(t) });
      }
    }
  return out;
}

/** The most intervals open at one moment. */
export function maxConcurrent(list: Interval[]): number {
  const events = list.flatMap((i) => [
    [i.start, 1],
    [i.end, -1],
  ]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, d] of events) most = Math.max(most, (open += d));
  return most;
}
