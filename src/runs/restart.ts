/**
 * How a run is restarted from its newest checkpoint. Pure functions over the manifest, written
 * so the server-side watchdog can mirror them line for line (in sh: `ls`, `sort`, `sed`):
 *
 *   1. list the paths matching manifest.checkpoints, relative to manifest.runDir (remoteDir for
 *      manifests without one), with mtimes; the path is then checkpointPath() of the newest;
 *   2. the newest is the one with the highest step number (the last integer in its base name:
 *      checkpoint-1000 after checkpoint-999), ties and numberless names by newest mtime;
 *   3. the command is manifest.command, then a space, then the words of manifest.resume quoted
 *      again, {checkpoint} as "$ty_checkpoint" (src/runs/resumeTemplate.ts); the launch
 *      script sets ty_checkpoint to the path;
 *   4. the new run gets a new session, parent = the old session, resumedFrom = the path.
 */
import type { RunManifest } from './layout.js';
import { resumeArgumentsText } from './resumeTemplate.js';

export interface CheckpointEntry {
  /** As the glob printed it: relative to the remote dir unless the glob is absolute. */
  path: string;
  /** Seconds since the epoch. */
  mtime: number;
}

/**
 * The checkpoint path a restarted run gets, from a path the glob printed: inside the run's own
 * directory (absolute) when the manifest has one, else as printed (relative to remoteDir, the
 * command's cwd, as manifests from before run directories had it).
 */
export function checkpointPath(m: Pick<RunManifest, 'runDir' | 'remoteDir'>, printed: string): string {
  if (printed.startsWith('/') || !m.runDir || m.runDir === m.remoteDir) return printed;
  return `${m.runDir}/${printed}`;
}

/** The last integer in the base name, or null when there is none. */
export function checkpointStep(p: string): number | null {
  const base = p.replace(/\/+$/, '').split('/').pop() ?? '';
  const numbers = base.match(/\d+/g);
  if (!numbers) return null;
  const n = Number(numbers[numbers.length - 1]);
  return Number.isSafeInteger(n) ? n : null;
}

/** Newest first: step number descending (numberless last), then mtime descending, then path. */
export function compareCheckpoints(a: CheckpointEntry, b: CheckpointEntry): number {
  const sa = checkpointStep(a.path) ?? -1;
  const sb = checkpointStep(b.path) ?? -1;
  if (sa !== sb) return sb - sa;
  if (a.mtime !== b.mtime) return b.mtime - a.mtime;
  return a.path < b.path ? 1 : a.path > b.path ? -1 : 0;
}

export function newestCheckpoint(entries: readonly CheckpointEntry[]): CheckpointEntry | null {
  return [...entries].sort(compareCheckpoints)[0] ?? null;
}

/**
 * The command a run resumed from `checkpoint` runs (its script must set ty_checkpoint to it,
 * see runScriptHeader); without a checkpoint, the plain command. Throws on a template that
 * resumeTemplateProblem() refuses.
 */
export function buildResumeCommand(command: string, resumeTemplate: string | null, checkpoint: string | null): string {
  if (checkpoint === null || resumeTemplate === null || resumeTemplate.trim() === '') return command;
  return `${command} ${resumeArgumentsText(resumeTemplate)}`;
}

/** "Build the restart command for a manifest": what the restarted run of `manifest` executes. */
export function restartCommand(manifest: Pick<RunManifest, 'command' | 'resume'>, checkpoint: string | null): string {
  return buildResumeCommand(manifest.command, manifest.resume, checkpoint);
}

/**
 * The manifest of a run restarted from `parent`. Paths that depend on the new session (log,
 * script) are the caller's to fill in; `automatic` counts the restart towards autoRestart.max.
 */
export function restartManifest(
  parent: RunManifest,
  next: {
    session: string;
    checkpoint: string | null;
    startedAt: string;
    log: string;
    script?: string;
    automatic?: boolean;
  },
): RunManifest {
  return {
    ...parent,
    session: next.session,
    log: next.log,
    script: next.script,
    startedAt: next.startedAt,
    parent: parent.session,
    resumedFrom: next.checkpoint,
    effectiveCommand: restartCommand(parent, next.checkpoint),
    restartCount: parent.restartCount + (next.automatic ? 1 : 0),
    restartedBy: next.automatic ? 'watchdog' : 'user',
  };
}
