/**
 * The tmux backend: a run is a tmux session (remain-on-exit, so its pane and exit status
 * outlive the command) started from a script in ~/.trainyard/runs, with its manifest and exit
 * marker beside it (src/runs/layout.ts).
 */

import { parseSections } from '../../commands/sectioned.js';
import type { LocalCommand } from '../../commands/value.js';
import { LOCAL_HOST } from '../../config/load.js';
import { isEmptyTmuxServer, parseTmuxSessions, type TmuxSession } from '../../parsers/tmux.js';
import { DEFAULT_LOG_TEMPLATE, type RunManifest, runFile } from '../../runs/layout.js';
import { parseRunManifest } from '../../runs/manifest.js';
import {
  type CommandExec,
  type HostSnapshot,
  type LaunchRequest,
  type LaunchResult,
  type LiveState,
  type LogPathResult,
  launchScriptFor,
  type RemoveEndedResult,
  type Run,
  type RunBackend,
  RunBackendError,
  type RunFiles,
  resolveRemoteDir,
  type StopResult,
} from '../runBackend.js';
import { attachArgv, newWindowAttachArgv, sessionNameProblem, sessionTarget } from './tmuxArgs.js';
import {
  EXIT_COMMAND_NOT_FOUND,
  EXIT_NO_SUCH_SESSION,
  EXIT_SESSION_EXISTS,
  hostProbeCommand,
  launchCommand,
  paneStateCommand,
  readManifestCommand,
  removeEndedCommand,
  stopCommand,
} from './tmuxCommands.js';

/** The `log` field of a run manifest's text, or null. */
export function manifestLog(text: string): string | null {
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const m = JSON.parse(line) as { log?: unknown };
      if (typeof m?.log === 'string' && m.log) return m.log;
    } catch {
      // not a manifest line
    }
  }
  return null;
}

/** A run's log path from its manifest on the host (how every backend finds a run's log). */
export async function manifestLogPath(exec: CommandExec, host: string, id: string): Promise<LogPathResult> {
  const r = await exec(readManifestCommand(host, id), { timeoutMs: 15_000 });
  const path = r.code === 0 ? manifestLog(r.stdout) : null;
  if (path) return { kind: 'found', path };
  if (r.code === null) return { kind: 'unreadable', why: r.stderr.trim() || 'connection lost' };
  return { kind: 'none' };
}

function runState(
  manifest: RunManifest,
  sessions: TmuxSession[],
  exitMarker: number | null,
  stopped: boolean,
): Pick<Run, 'state' | 'exitCode'> {
  const s = sessions.find((x) => x.name === manifest.session);
  if (s?.running) return { state: 'running', exitCode: null };
  const exitCode = exitMarker ?? s?.exitStatus ?? null;
  if (stopped) return { state: 'stopped', exitCode };
  if (exitCode !== null) return { state: 'exited', exitCode };
  return { state: 'gone', exitCode: null };
}

function runOf(manifest: RunManifest, sessions: TmuxSession[], exit: number | null, stopped: boolean): Run {
  return {
    id: manifest.session,
    project: manifest.project,
    host: manifest.host,
    gpus: manifest.gpus ?? null,
    runDir: manifest.runDir ?? manifest.remoteDir,
    params: manifest.params ?? {},
    manifest,
    stoppedMarker: stopped,
    ...runState(manifest, sessions, exit, stopped),
  };
}

/** Parses hostProbeCommand's sectioned output. */
export function parseHostProbe(output: string, rawRemoteDir: string): HostSnapshot {
  const out = parseSections(output);
  const home = out.value('home');
  if (home === undefined)
    throw new RunBackendError(
      'the host probe printed nothing usable',
      'is bash installed on the host? try: trainyard doctor',
    );
  const tmux = out.first('tmux');
  const text = tmux?.lines.join('\n') ?? '';
  const tmuxCode = tmux?.exit ?? -1;
  const tmuxOk = tmuxCode === 0 || isEmptyTmuxServer(text);
  const sessions = tmuxCode === 0 ? parseTmuxSessions(text) : [];
  const backendError = tmuxOk
    ? null
    : tmuxCode === EXIT_COMMAND_NOT_FOUND
      ? 'tmux is not installed on this host'
      : `tmux: ${text.trim().split('\n')[0] || `exit ${tmuxCode}`}`;
  const runs: Run[] = [];
  for (const s of out.all('manifest')) {
    const exit = /exit=(\d+)/.exec(s.value);
    // a half-written, hand-edited or foreign manifest is skipped, never trusted
    const { manifest } = parseRunManifest(s.lines[0] ?? '', home);
    if (manifest) runs.push(runOf(manifest, sessions, exit ? Number(exit[1]) : null, /(^| )stopped\b/.test(s.value)));
  }
  return {
    home,
    remoteDir: resolveRemoteDir(rawRemoteDir, home),
    remoteDirExists: out.value('direxists') === '1',
    now: out.number('now'),
    runs,
    takenNames: sessions.map((s) => s.name),
    backendError,
  };
}

const lastLines = (r: { stdout: string; stderr: string }) =>
  (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' / ');

export const tmuxBackend: RunBackend = {
  kind: 'tmux',
  defaultLogTemplate: DEFAULT_LOG_TEMPLATE,

  async inspect(exec: CommandExec, host: string, rawRemoteDir: string): Promise<HostSnapshot> {
    const r = await exec(hostProbeCommand(host, rawRemoteDir), { timeoutMs: 20_000 });
    if (r.code !== 0)
      throw new RunBackendError(
        `cannot look at ${host}: ${(r.stderr || r.stdout).trim().split('\n')[0] || `exit ${r.code}`}`,
        'check the host with: trainyard doctor',
      );
    return parseHostProbe(r.stdout, rawRemoteDir);
  },

  nameProblem: sessionNameProblem,

  files(home: string, id: string): RunFiles {
    return { manifest: runFile(home, id, 'json'), script: runFile(home, id, 'sh'), exit: runFile(home, id, 'exit') };
  },

  async launch(exec: CommandExec, q: LaunchRequest): Promise<LaunchResult> {
    const scriptText = launchScriptFor(q, q.gpus);
    const r = await exec(
      launchCommand(q.host, {
        session: q.id,
        home: q.home,
        manifestJson: JSON.stringify(q.manifest),
        scriptText,
        secrets: q.secrets,
      }),
      { timeoutMs: 30_000 },
    );
    if (r.dry) return { kind: 'dry' };
    if (r.code === 0) return { kind: 'started' };
    if (r.code === EXIT_SESSION_EXISTS) return { kind: 'name-taken' };
    if (r.code === EXIT_COMMAND_NOT_FOUND) return { kind: 'missing', what: 'tmux' };
    return { kind: 'failed', code: r.code, output: lastLines(r) };
  },

  logPath: manifestLogPath,

  async liveState(exec: CommandExec, host: string, id: string): Promise<LiveState> {
    const r = await exec(paneStateCommand(host, id), { timeoutMs: 10_000 });
    if (r.code !== 0) return { kind: 'absent' };
    const [dead, status] = r.stdout.trim().split(' ');
    if (dead !== '1') return { kind: 'running' };
    return { kind: 'ended', exitCode: status && /^\d+$/.test(status) ? Number(status) : null };
  },

  async stop(exec: CommandExec, host: string, id: string, graceSeconds: number): Promise<StopResult> {
    const r = await exec(stopCommand(host, id, graceSeconds), { timeoutMs: (graceSeconds + 20) * 1000 });
    if (r.dry) return { kind: 'dry' };
    if (r.code === EXIT_NO_SUCH_SESSION) return { kind: 'not-found' };
    if (r.code !== 0) return { kind: 'failed', code: r.code, output: r.stderr.trim() };
    return { kind: 'stopped', graceful: parseSections(r.stdout).value('graceful') === '1' };
  },

  async removeEnded(
    exec: CommandExec,
    host: string,
    ids: readonly string[],
    markStopped: boolean,
  ): Promise<RemoveEndedResult> {
    const r = await exec(removeEndedCommand(host, ids, markStopped), { timeoutMs: 20_000 + ids.length * 1000 });
    if (r.dry) return { kind: 'dry' };
    if (r.code !== 0) return { kind: 'failed', code: r.code, output: lastLines(r) };
    const out = { removed: [] as string[], alive: [] as string[], missing: [] as string[] };
    for (const line of r.stdout.split('\n')) {
      const m = /^(removed|alive|missing) (\d+)$/.exec(line.trim());
      const id = m ? ids[Number(m[2])] : undefined;
      if (m && id !== undefined) out[m[1] as keyof typeof out].push(id);
    }
    return { kind: 'done', ...out };
  },

  attachCommand(sshConfig: string, host: string, id: string, where: 'here' | 'new-window'): LocalCommand {
    if (where === 'new-window') {
      const argv =
        host === LOCAL_HOST
          ? ['tmux', 'new-window', 'tmux', 'attach-session', '-t', sessionTarget(id)]
          : newWindowAttachArgv(sshConfig, host, id);
      return { where: 'local', argv, purpose: `open ${id} on ${host} in a new local tmux window` };
    }
    const argv =
      host === LOCAL_HOST ? ['tmux', 'attach-session', '-t', sessionTarget(id)] : attachArgv(sshConfig, host, id);
    return { where: 'local', argv, purpose: `attach to ${id} on ${host} (detach with Ctrl-b d)` };
  },
};
