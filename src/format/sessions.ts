/** Pure formatting of tmux session state and age. */
import type { TmuxSession } from '../parsers/tmux.js';

export type SessionKind = 'running' | 'finished' | 'crashed' | 'killed' | 'stopped' | 'exited';

export interface SessionStatus {
  kind: SessionKind;
  /** "running", "finished" (exit 0, as the watchdog says), "crashed exit 1", "killed signal 15", "stopped". */
  text: string;
}

/** How an ended run reads: stopped by the user whatever its exit, else by its exit status or signal. */
export function endedStatus(exitStatus: number | null, exitSignal: number | null, stopped = false): SessionStatus {
  if (stopped) return { kind: 'stopped', text: 'stopped' };
  if (exitSignal !== null) return { kind: 'killed', text: `killed signal ${exitSignal}` };
  if (exitStatus === 0) return { kind: 'finished', text: 'finished' };
  if (exitStatus !== null) return { kind: 'crashed', text: `crashed exit ${exitStatus}` };
  return { kind: 'exited', text: 'exited' };
}

export function sessionStatus(s: TmuxSession): SessionStatus {
  if (s.running) return { kind: 'running', text: 'running' };
  return endedStatus(s.exitStatus, s.exitSignal, s.stopped);
}

export interface SessionCounts {
  running: number;
  finished: number;
  /** Non-zero exits and kills (not runs the user stopped). */
  crashed: number;
}

export function countSessions(sessions: readonly TmuxSession[]): SessionCounts {
  const counts: SessionCounts = { running: 0, finished: 0, crashed: 0 };
  for (const s of sessions) {
    const { kind } = sessionStatus(s);
    if (kind === 'running') counts.running++;
    else if (kind === 'crashed' || kind === 'killed') counts.crashed++;
    else counts.finished++; // finished, stopped by the user, or an unknown end
  }
  return counts;
}

/** Seconds since the session was created, measured on the server's clock (ours plus its skew). */
export function sessionAgeSeconds(s: TmuxSession, nowMs: number, clockSkewSeconds: number): number {
  return Math.floor(nowMs / 1000 + clockSkewSeconds) - s.createdAt;
}

/** "<1m", "5m", "3h", "2d": minute resolution, so the display changes at most once a minute. */
export function formatAge(seconds: number): string {
  if (seconds < 60) return '<1m';
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}
