/**
 * A run manifest read back from a server is server text: it may be old, hand-edited, half
 * written or foreign. parseRunManifest() checks every field before anything uses one, fills in
 * what a run can do without (log: the default next to the manifest), and refuses what it cannot.
 */
import { type RunManifest, runFile } from './layout.js';
import { paramNameProblem } from './params.js';

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const strOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const int = (v: unknown, fallback: number): number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fallback;

/** Only string values under parameter names: anything else in a foreign manifest is dropped. */
function paramsOf(v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
  return Object.fromEntries(
    Object.entries(v).filter(([k, x]) => typeof x === 'string' && paramNameProblem(k) === null),
  ) as Record<string, string>;
}

/** Why a manifest cannot be used, or null; `home` is the server's $HOME (for the default log). */
export function parseRunManifest(
  json: string,
  home: string,
): { manifest: RunManifest; problem: null } | { manifest: null; problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { manifest: null, problem: 'not JSON (half written, or not a trainyard manifest)' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { manifest: null, problem: 'not a JSON object' };
  const o = raw as Record<string, unknown>;
  const session = str(o.session);
  if (!session) return { manifest: null, problem: 'no "session"' };
  const project = str(o.project);
  if (project === null) return { manifest: null, problem: `run ${session} has no "project"` };
  const remoteDir = str(o.remoteDir);
  if (!remoteDir?.startsWith('/')) return { manifest: null, problem: `run ${session} has no absolute "remoteDir"` };
  const command = str(o.command);
  if (command === null) return { manifest: null, problem: `run ${session} has no "command"` };
  const git = typeof o.git === 'object' && o.git !== null ? (o.git as Record<string, unknown>) : {};
  const ar =
    typeof o.autoRestart === 'object' && o.autoRestart !== null ? (o.autoRestart as Record<string, unknown>) : {};
  const manifest: RunManifest = {
    ...(o as Partial<RunManifest>),
    session,
    project,
    host: str(o.host) ?? '',
    remoteDir,
    log: strOrNull(o.log) ?? runFile(home, session, 'log'),
    command,
    resume: strOrNull(o.resume),
    checkpoints: strOrNull(o.checkpoints),
    gpus: strOrNull(o.gpus),
    startedAt: str(o.startedAt) ?? '',
    parent: strOrNull(o.parent),
    resumedFrom: strOrNull(o.resumedFrom),
    configHash: str(o.configHash) ?? '',
    git: { commit: strOrNull(git.commit), dirty: git.dirty === true, diffHash: strOrNull(git.diffHash) },
    autoRestart: { enabled: ar.enabled === true, max: int(ar.max, 3), backoffSeconds: int(ar.backoffSeconds, 60) },
    restartCount: int(o.restartCount, 0),
    results: strOrNull(o.results),
    runDir: str(o.runDir)?.startsWith('/') ? (o.runDir as string) : remoteDir,
    params: paramsOf(o.params),
    sweep: strOrNull(o.sweep),
  };
  if (o.by !== 'user' && o.by !== 'agent' && o.by !== 'queue') delete manifest.by;
  return { manifest, problem: null };
}
