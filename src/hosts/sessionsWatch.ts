import { randomBytes } from 'node:crypto';
import { type ProbeSections, parseProbeOutput, schedulerFrame, sessionsStreamCommand } from '../commands/probes.js';
import { parseAppLines } from '../parsers/nvidiaSmi.js';
import { isEmptyTmuxServer, parseTmuxSessions } from '../parsers/tmux.js';
import { patchHost, type TrainyardStore } from '../state/store.js';
import type { StreamHandle, Transport } from '../transport/types.js';
import { readRunFacts } from './runFacts.js';

/** A frame longer than this is cut (a server that never ends one must not fill our memory). */
const MAX_FRAME_LINES = 20_000;

/**
 * One host's tmux sessions, run exit codes and GPU compute processes, from one long-lived stream
 * (sessionsStreamCommand) that only speaks when they changed: no exec every few seconds, so a
 * quiet fleet costs the cockpit nothing between changes. It restarts with the connection; if the
 * stream itself ends, it is started again after one interval.
 */
export class SessionsWatch {
  private handle: StreamHandle | null = null;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly transport: Transport,
    private readonly store: TrainyardStore,
    private readonly alias: string,
    private readonly intervalSeconds: number,
    /** Called after each answer, and when the stream ends (the host has said what it will say). */
    private readonly onAnswer: () => void,
  ) {}

  /**
   * With `onScheduler`, the stream also says once, after its first frame, what SLURM_DETECT_SH
   * printed there: whether the host is a Slurm login node, with no exec (and login shell) of its own.
   */
  start(onScheduler?: (detectOutput: string) => void): void {
    this.stop();
    // The frame's end line carries a nonce: no session name or process name can end a frame early.
    const end = `@@probe-end ${randomBytes(6).toString('hex')}`;
    let lines: string[] = [];
    let answered = false;
    const handle = this.transport.stream(sessionsStreamCommand(this.intervalSeconds, end, onScheduler !== undefined), {
      onLine: (line) => {
        if (line !== end) {
          if (lines.length < MAX_FRAME_LINES) lines.push(line);
          return;
        }
        const frame = lines;
        lines = [];
        const scheduler = schedulerFrame(frame);
        if (scheduler !== null) {
          onScheduler?.(scheduler);
          answered = true;
          return;
        }
        this.apply(parseProbeOutput(frame.join('\n')));
        this.onAnswer();
      },
      onErrLine: () => {},
    });
    this.handle = handle;
    void handle.done.then((result) => {
      if (this.handle !== handle) return; // stopped or restarted on purpose
      this.handle = null;
      this.onAnswer();
      if (result.signal === 'disconnected' || result.signal === 'not-connected') return; // the connection restarts it
      // a stream that ended before its Slurm answer asks again
      this.retry = setTimeout(() => this.start(answered ? undefined : onScheduler), this.intervalSeconds * 1000);
      this.retry.unref?.();
    });
  }

  stop(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const handle = this.handle;
    this.handle = null;
    handle?.cancel();
  }

  private apply(sections: ProbeSections): void {
    const skew = sections.now !== null ? sections.now - Math.round(Date.now() / 1000) : 0;
    const tmuxOk = sections.tmux.code === 0 || isEmptyTmuxServer(sections.tmux.text);
    const sessions = (sections.tmux.code === 0 ? parseTmuxSessions(sections.tmux.text) : []).map((s) => {
      if (s.running) return s;
      const lost = s.exitStatus === null && s.exitSignal === null && sections.exits.has(s.name);
      const stopped = sections.stopped.has(s.name);
      return lost || stopped
        ? { ...s, ...(lost ? { exitStatus: sections.exits.get(s.name)! } : {}), ...(stopped ? { stopped } : {}) }
        : s;
    });
    const runFacts = readRunFacts(
      sections.manifests,
      sections.tails,
      this.store.getState().hosts[this.alias]?.runFacts,
    );
    const sessionsError = tmuxOk
      ? null
      : sections.tmux.code === 127
        ? 'tmux is not installed on this host'
        : `tmux: ${sections.tmux.text.trim().split('\n')[0] || `exit ${sections.tmux.code}`}`;
    const processes = sections.apps.code === 0 ? parseAppLines(sections.apps.text) : [];
    const before = this.store.getState().hosts[this.alias];
    // What did not change keeps its identity: the Runs poll looks again when the sessions or the
    // marks are new objects, not whenever a live log moved.
    const same = <T>(a: T, b: T) => JSON.stringify(a) === JSON.stringify(b);
    const next = {
      sessions: before && same(before.sessions, sessions) ? before.sessions : sessions,
      runFacts: before && same(before.runFacts, runFacts) ? before.runFacts : runFacts,
      processes: before && same(before.processes, processes) ? before.processes : processes,
      marks: before?.marks && same(before.marks, sections.marks) ? before.marks : sections.marks,
    };
    const changed =
      !before ||
      // the first answer counts even when it is "no sessions": the view stops waiting for one
      before.sessionsUpdatedAt === null ||
      before.sessionsError !== sessionsError ||
      (Object.keys(next) as (keyof typeof next)[]).some((k) => before[k] !== next[k]) ||
      Math.abs(before.clockSkewSeconds - skew) > 2;
    if (changed)
      patchHost(this.store, this.alias, {
        ...next,
        sessionsError,
        clockSkewSeconds: skew,
        sessionsUpdatedAt: Date.now(),
      });
  }
}
