/** What an action learns about a host before it acts: one read-only probe over the held connection. */
import { hostProbeCommand } from '../commands/remote.js';
import { isEmptyTmuxServer, parseTmuxSessions, type TmuxSession } from '../parsers/tmux.js';
import type { RunManifest } from '../remote/layout.js';
import { runCommand, type ActionIo } from './execute.js';
import { ActionFailure } from './types.js';

export type RunStatus = 'running' | 'exited' | 'stopped' | 'gone';

export interface RunOnHost {
  manifest: RunManifest;
  status: RunStatus;
  /** From the .exit marker, or the dead pane. */
  exitCode: number | null;
  stoppedMarker: boolean;
}

export interface HostSnapshot {
  home: string;
  /** The project directory, absolute. */
  remoteDir: string;
  remoteDirExists: boolean;
  /** Server clock, seconds. */
  now: number | null;
  sessions: TmuxSession[];
  tmuxError: string | null;
  runs: RunOnHost[];
}

/** ~, ~/x, /abs, or relative to $HOME — the same rules as the probe's shell `case`. */
export function resolveRemoteDir(raw: string, home: string): string {
  let d: string;
  if (raw === '~') d = home;
  else if (raw.startsWith('~/')) d = `${home}/${raw.slice(2)}`;
  else if (raw.startsWith('/')) d = raw;
  else d = `${home}/${raw}`;
  return d.length > 1 ? d.replace(/\/+$/, '') : d;
}

function runStatus(manifest: RunManifest, sessions: TmuxSession[], exitMarker: number | null, stopped: boolean): Pick<RunOnHost, 'status' | 'exitCode'> {
  const s = sessions.find((x) => x.name === manifest.session);
  if (s?.running) return { status: 'running', exitCode: null };
  const exitCode = exitMarker ?? s?.exitStatus ?? null;
  if (stopped) return { status: 'stopped', exitCode };
  if (exitCode !== null) return { status: 'exited', exitCode };
  return { status: 'gone', exitCode: null };
}

export function parseHostProbe(output: string, rawRemoteDir: string): HostSnapshot {
  const lines = output.split('\n');
  let home: string | null = null;
  let exists = false;
  let now: number | null = null;
  let tmuxText: string[] = [];
  let tmuxCode = -1;
  let section: 'head' | 'tmux' | 'runs' = 'head';
  const manifests: { manifest: RunManifest; exit: number | null; stopped: boolean }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let m: RegExpExecArray | null;
    if ((m = /^@@home (.*)$/.exec(line))) home = m[1];
    else if ((m = /^@@direxists ([01])$/.exec(line))) exists = m[1] === '1';
    else if ((m = /^@@now (\d+)$/.exec(line))) {
      now = Number(m[1]);
      section = 'tmux';
    } else if ((m = /^@@tmux (\d+)$/.exec(line))) {
      tmuxCode = Number(m[1]);
      section = 'runs';
    } else if (section === 'tmux') tmuxText.push(line);
    else if (section === 'runs' && line.startsWith('@@manifest')) {
      const exit = /exit=(\d+)/.exec(line);
      const json = lines[++i] ?? '';
      try {
        const manifest = JSON.parse(json) as RunManifest;
        if (manifest && typeof manifest.session === 'string') manifests.push({ manifest, exit: exit ? Number(exit[1]) : null, stopped: / stopped/.test(line) });
      } catch {
        // a half-written or foreign file: not ours to judge
      }
    }
  }
  if (home === null) throw new ActionFailure('the host probe printed nothing usable', 'is bash installed on the host? try: trainyard doctor');
  const text = tmuxText.join('\n');
  const tmuxOk = tmuxCode === 0 || isEmptyTmuxServer(text);
  const sessions = tmuxCode === 0 ? parseTmuxSessions(text) : [];
  const tmuxError = tmuxOk ? null : tmuxCode === 127 ? 'tmux is not installed on this host' : `tmux: ${text.trim().split('\n')[0] || `exit ${tmuxCode}`}`;
  return {
    home,
    remoteDir: resolveRemoteDir(rawRemoteDir, home),
    remoteDirExists: exists,
    now,
    sessions,
    tmuxError,
    runs: manifests.map((x) => ({ manifest: x.manifest, stoppedMarker: x.stopped, ...runStatus(x.manifest, sessions, x.exit, x.stopped) })),
  };
}

export async function probeHost(io: ActionIo, host: string, rawRemoteDir: string): Promise<HostSnapshot> {
  const result = await runCommand(io, hostProbeCommand(host, rawRemoteDir), { timeoutMs: 20_000 });
  if (result.code !== 0) throw new ActionFailure(`cannot look at ${host}: ${(result.stderr || result.stdout).trim().split('\n')[0] || `exit ${result.code}`}`, 'check the host with: trainyard doctor');
  return parseHostProbe(result.stdout, rawRemoteDir);
}

/** Runs of a project that are alive now (their outputs must not be touched). */
export function liveRunsOf(snapshot: HostSnapshot, project: string): RunOnHost[] {
  return snapshot.runs.filter((r) => r.manifest.project === project && r.status === 'running');
}
