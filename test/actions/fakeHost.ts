/** What a host answers, written for the scripted transport: the host probe's output and the manifest a launch sent. */
import type { ShellCommand } from '../../src/commands/value.js';
import type { RunManifest } from '../../src/runs/layout.js';

export interface FakeSession {
  name: string;
  /** The pane's command ended (remain-on-exit keeps the session). */
  dead?: boolean;
  status?: number;
}

export interface FakeHost {
  home?: string;
  dirExists?: boolean;
  now?: number;
  sessions?: FakeSession[];
  /** What `tmux list-sessions` said instead of sessions, and its exit status. */
  tmux?: { text: string; code: number };
  manifests?: { manifest: Partial<RunManifest>; exit?: number; stopped?: boolean }[];
}

/** A session line in the probe's tmux -F format (name last). */
const sessionLine = (s: FakeSession) =>
  `1700000000:0:1:${s.dead ? 1 : 0}:${s.dead ? (s.status ?? '') : ''}:::${s.name}`;

/** The output of the tmux backend's host probe for such a host, as its script prints it. */
export function probeOutput(h: FakeHost = {}): string {
  const home = h.home ?? '/home/u';
  const tmux = h.tmux ?? {
    text: (h.sessions ?? []).map(sessionLine).join('\n') || 'no server running on /tmp/tmux-0/default',
    code: (h.sessions ?? []).length ? 0 : 1,
  };
  const lines = [
    `@@home ${home}`,
    `@@direxists ${h.dirExists === false ? 0 : 1}`,
    `@@now ${h.now ?? 1700000100}`,
    '@@tmux',
    ...tmux.text.split('\n'),
    `@@/tmux ${tmux.code}`,
  ];
  for (const m of h.manifests ?? []) {
    lines.push(
      `@@manifest${m.exit !== undefined ? ` exit=${m.exit}` : ''}${m.stopped ? ' stopped' : ''}`,
      JSON.stringify(m.manifest),
    );
  }
  lines.push('@@end', '');
  return lines.join('\n');
}

/** The manifest a tmux launch command carries on its stdin (first line, base64). */
export function launchedManifest(command: ShellCommand): RunManifest {
  const first = (command.stdin ?? '').split('\n')[0] ?? '';
  return JSON.parse(Buffer.from(first, 'base64').toString('utf8')) as RunManifest;
}
