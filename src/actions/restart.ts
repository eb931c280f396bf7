/**
 * Restart from checkpoint: find the newest checkpoint of a run on the server (by step number,
 * then mtime), relaunch with the resume template in a new session whose manifest names the
 * parent run. Without a checkpoint, offer a fresh start. The ordering and the command come
 * from src/runs/restart.ts, which the server-side watchdog mirrors.
 */
import { listCheckpointsCommand } from '../commands/projectCommands.js';
import { ConfigError } from '../config/load.js';
import { expandCommandPlaceholders } from '../runs/params.js';
import { type CheckpointEntry, checkpointPath, newestCheckpoint } from '../runs/restart.js';
import { resumeTemplateProblem } from '../runs/resumeTemplate.js';
import { runCommand } from './execute.js';
import { type HostSnapshot, probeHost, type RunOnHost, resolveRemoteDir } from './hostState.js';
import { launchRun } from './launch.js';
import { type ResolvedProject, resolveProject } from './project.js';
import { ActionCancelled, type ActionContext, ActionFailure, type Verdict } from './types.js';

/** Parses listCheckpointsCommand's NUL-separated "mtime<TAB>path" records. */
export function parseCheckpointList(stdout: string): CheckpointEntry[] {
  return stdout
    .split('\0')
    .filter(Boolean)
    .map((rec) => {
      const tab = rec.indexOf('\t');
      return { mtime: Number(rec.slice(0, tab)), path: rec.slice(tab + 1) };
    })
    .filter((e) => e.path !== '' && Number.isFinite(e.mtime));
}

/** The run to restart: named, else the selected session, else the project's newest run here. */
function findParent(ctx: ActionContext, snap: HostSnapshot, project: string | null): RunOnHost | null {
  const wanted = ctx.params.from ?? ctx.session ?? null;
  if (wanted !== null) {
    const run = snap.runs.find((r) => r.manifest.session === wanted);
    if (!run)
      throw new ActionFailure(
        `no trainyard run named ${wanted} on ${ctx.host} (no manifest in ~/.trainyard/runs)`,
        'restart needs a run launched by trainyard; launch it with L / trainyard launch',
      );
    return run;
  }
  const mine = snap.runs
    .filter((r) => r.manifest.project === project)
    .sort((a, b) => (a.manifest.startedAt < b.manifest.startedAt ? 1 : -1));
  return mine[0] ?? null;
}

export async function runRestart(ctx: ActionContext): Promise<Verdict> {
  ctx.output(`› looking at ${ctx.host}`, 'step');
  let p: ResolvedProject | null = ctx.project;
  let snap = await probeHost(ctx, ctx.host, p?.remoteDir ?? '~');
  const parent = findParent(ctx, snap, p?.name ?? null);
  if (!p) {
    if (!parent)
      throw new ActionFailure('restart needs a project or a run', 'select a session, or pass the project name');
    if (!ctx.config.projects[parent.manifest.project]) {
      throw new ConfigError(ctx.config.file, [
        `projects.${parent.manifest.project} is not in the config (run ${parent.manifest.session} belongs to it) — fix: add the project back to "projects"`,
      ]);
    }
    p = resolveProject(ctx.config, parent.manifest.project, ctx.host);
    snap = { ...snap, remoteDir: resolveRemoteDir(p.remoteDir, snap.home), remoteDirExists: true };
  }
  const ctxWithProject = { ...ctx, project: p };

  if (!parent) {
    const fresh = await ctx.confirm({
      title: 'No earlier run',
      message: `There is no earlier run of ${p.name} on ${ctx.host} to restart. Start ${p.name} fresh instead?`,
      details: [],
      destructive: false,
    });
    if (!fresh) throw new ActionCancelled('nothing to restart', true);
    return launchRun(ctxWithProject, p, snap, {
      parent: null,
      resumedFrom: null,
      resume: null,
      lineage: null,
      restartCount: 0,
      checkDuplicates: false,
    });
  }
  const m = parent.manifest;
  if (parent.state === 'running') {
    throw new ActionFailure(
      `${m.session} is still running on ${ctx.host}`,
      `stop it first (x / trainyard stop ${ctx.host} ${m.session}), then restart`,
    );
  }
  ctx.output(
    `parent run ${m.session}: ${parent.state}${parent.exitCode !== null ? ` (exit ${parent.exitCode})` : ''}, started ${m.startedAt}`,
    'step',
  );
  // only the run's own directory: a sibling's newer checkpoint is never this run's
  const runDir = m.runDir ?? m.remoteDir;
  const glob = m.checkpoints ?? p.checkpoints;
  const listed = await runCommand(ctx, listCheckpointsCommand(ctx.host, runDir, glob), { timeoutMs: 30_000 });
  const entries = parseCheckpointList(listed.stdout);
  const newest = newestCheckpoint(entries);
  const base = {
    parent: m.session,
    restartCount: m.restartCount,
    checkDuplicates: false,
    lineage: { runDir, params: m.params ?? {} },
  };
  if (!newest) {
    const fresh = await ctx.confirm({
      title: 'No checkpoint',
      message: `No checkpoint matches ${glob} in ${runDir} on ${ctx.host}. Start ${p.name} fresh instead (in the same run directory)?`,
      details: [],
      destructive: false,
    });
    if (!fresh) throw new ActionCancelled('no checkpoint to resume from', true);
    return launchRun(ctxWithProject, p, snap, { ...base, resumedFrom: null, resume: null });
  }
  const resume = p.resume ?? m.resume;
  if (!resume) {
    throw new ConfigError(ctx.config.file, [
      `projects.${p.name}.resume is not set, so ${newest.path} cannot be resumed — fix: add e.g. "resume": "--resume {checkpoint}"`,
    ]);
  }
  // the run's manifest is server text: its template gets the same check as the config's
  const problem = resumeTemplateProblem(resume);
  if (problem) {
    if (p.resume) throw new ConfigError(ctx.config.file, [`projects.${p.name}.resume ${problem}`]);
    throw new ActionFailure(
      `the resume template of ${m.session} (from its manifest on ${ctx.host}) ${problem}`,
      `set "resume" in projects.${p.name} of your config; it is used instead`,
    );
  }
  // a manifest with a run directory of its own lists paths inside it; older ones, relative to remoteDir
  const checkpoint = checkpointPath(m, newest.path);
  ctx.output(`newest of ${entries.length} checkpoint(s) in ${runDir}: ${newest.path}`, 'step');
  if (expandCommandPlaceholders(p.train).text !== m.command)
    ctx.output(`the train command changed since ${m.session} (was: ${m.command})`, 'warn');
  return launchRun(ctxWithProject, p, snap, { ...base, resumedFrom: checkpoint, resume });
}
