/** Pure parser for the `tmux list-sessions -F` format the sessions probe asks for. */

export interface TmuxSession {
  name: string;
  /** Unix seconds. */
  createdAt: number;
  attached: boolean;
  windows: number;
  /** False once the active pane's command has exited (remain-on-exit keeps it). */
  running: boolean;
  /** Exit code of a dead pane, when it exited normally. */
  exitStatus: number | null;
  /** Signal number of a dead pane killed by a signal. */
  exitSignal: number | null;
  /** Unix seconds when the pane died. */
  deadAt: number | null;
  /** The user stopped it (trainyard's .stopped marker; filled in by the sessions probe). */
  stopped?: boolean;
}

const FIELDS = [
  'session_name',
  'session_created',
  'session_attached',
  'session_windows',
  'pane_dead',
  'pane_dead_status',
  'pane_dead_signal',
  'pane_dead_time',
];

/**
 * The -F argument. Fields are separated by ':' because tmux never allows it in a session name
 * (it becomes '_'); control characters would not survive: tmux prints them as '_' in a C locale.
 * The name comes last and may itself contain anything else.
 */
const SEP = ':';
/** The fields of TMUX_SESSION_FORMAT in order. */
export const TMUX_FORMAT_FIELDS: readonly string[] = [...FIELDS.slice(1), FIELDS[0]];
export const TMUX_SESSION_FORMAT = TMUX_FORMAT_FIELDS.map((f) => `#{${f}}`).join(SEP);

function intOrNull(s: string | undefined): number | null {
  if (s === undefined || s === '') return null;
  const n = Number.parseInt(s, 10);
  return Number.isFinite(n) ? n : null;
}

export function parseTmuxSessions(text: string): TmuxSession[] {
  const sessions: TmuxSession[] = [];
  for (const line of text.split('\n')) {
    const parts = line.split(SEP);
    if (parts.length < FIELDS.length) continue;
    const f = [parts.slice(FIELDS.length - 1).join(SEP), ...parts.slice(0, FIELDS.length - 1)];
    const dead = f[4] === '1';
    sessions.push({
      name: f[0],
      createdAt: intOrNull(f[1]) ?? 0,
      attached: (intOrNull(f[2]) ?? 0) > 0,
      windows: intOrNull(f[3]) ?? 1,
      running: !dead,
      exitStatus: dead ? intOrNull(f[5]) : null,
      exitSignal: dead ? intOrNull(f[6]) : null,
      deadAt: dead ? intOrNull(f[7]) : null,
    });
  }
  return sessions;
}

/**
 * `tmux ls` with no server prints "no server running on …" or "error connecting to …" and exits 1:
 * that is an empty list, not an error. Anything else non-zero is reported.
 */
export function isEmptyTmuxServer(output: string): boolean {
  return /no server running on|error connecting to|no sessions/.test(output);
}
