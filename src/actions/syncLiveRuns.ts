/**
 * What a sync owes the runs of the project that are alive in the directory it writes to: a
 * question before the code changes under them, and their outputs kept from --delete.
 */
import path from 'node:path';
import type { RunOnHost } from './hostState.js';
import type { ResolvedProject } from './project.js';
import { ActionCancelled, type ActionContext } from './types.js';

export interface Protection {
  /** rsync patterns for --filter='P …'. */
  patterns: string[];
  /** What is protected, in words. */
  described: string[];
}

/** A path relative to dir when it lies inside it, else null. */
function inside(dir: string, p: string): string | null {
  const rel = path.posix.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.posix.isAbsolute(rel) ? rel : null;
}

/**
 * What a live run needs kept: its results directory, its own run directory, its checkpoints and
 * its log (when they lie inside the project directory), each anchored at the transfer root.
 */
export function protectionFor(
  remoteDir: string,
  live: readonly RunOnHost[],
  fallback: { results: string; checkpoints: string },
): Protection {
  const patterns = new Set<string>();
  const described: string[] = [];
  for (const run of live) {
    const m = run.manifest;
    const results = m.results ?? fallback.results;
    const checkpoints = m.checkpoints ?? fallback.checkpoints;
    const mine: string[] = [];
    if (results) {
      patterns.add(`/${results}/***`);
      mine.push(`${results}/`);
    }
    // checkpoints lie in the run's own directory (the project directory for runs from before run directories)
    const runDir = inside(remoteDir, run.runDir);
    if (runDir && !(results && `${runDir}/`.startsWith(`${results}/`))) {
      patterns.add(`/${runDir}/***`);
      mine.push(`${runDir}/`);
    }
    if (checkpoints && !checkpoints.startsWith('/')) {
      const rel = runDir ? `${runDir}/${checkpoints}` : checkpoints;
      patterns.add(`/${rel}`);
      patterns.add(`/${rel}/***`);
      mine.push(rel);
    }
    const logRel = inside(remoteDir, m.log);
    if (logRel) {
      const parts = logRel.split('/');
      for (let i = 1; i < parts.length; i++) patterns.add(`/${parts.slice(0, i).join('/')}/`);
      patterns.add(`/${logRel}`);
      mine.push(logRel);
    }
    described.push(`${mine.join(', ')} (run ${m.session} is alive)`);
  }
  return { patterns: [...patterns], described };
}

/**
 * Runs of the project alive in the directory the sync writes to run the code they started
 * with only until they import a module late, spawn a worker or restart: say so, name them,
 * and go on only when the user says yes.
 */
export async function askAboutLiveRuns(
  ctx: ActionContext,
  p: ResolvedProject,
  remoteDir: string,
  live: readonly RunOnHost[],
): Promise<void> {
  if (live.length === 0) return;
  const names = live.map((r) => r.id);
  const yes = await ctx.confirm({
    title: 'Sync under a live run?',
    message: `${names.length === 1 ? `${names[0]} is` : `${names.length} runs are`} running from ${ctx.host}:${remoteDir}: the sync changes the code under ${names.length === 1 ? 'it' : 'them'} (a module imported later, a new worker or a restart reads the new code). Sync anyway?`,
    details: live.map((r) => `${r.id}  ${p.name}, started ${r.manifest.startedAt || 'earlier'}`),
    destructive: false,
  });
  if (!yes)
    throw new ActionCancelled(
      `nothing sent: ${names.join(', ')} keep${names.length === 1 ? 's' : ''} the code it started with`,
      true,
    );
}
