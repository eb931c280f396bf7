/** The selected host's tmux sessions: name, age (on the server's clock), and how each ended. */
import { memo, useMemo } from 'react';
import { runSessions } from '../src/cockpit/selectors.js';
import { type ColumnSpec, type PlannedColumn, planColumns } from '../src/format/columns.js';
import { isUp } from '../src/format/connection.js';
import { formatAge, type SessionKind, sessionAgeSeconds, sessionStatus } from '../src/format/sessions.js';
import type { RunFacts } from '../src/hosts/runFacts.js';
import type { TmuxSession } from '../src/parsers/tmux.js';
import { useMinuteClock } from './clocks.js';
import { Line, Row } from './Row.js';
import { noteRender } from './renderProbe.js';
import { useTrainyard } from './storeContext.js';
import { useShallow } from './useShallow.js';

/** Columns earn the width: age, then a live run's progress, its loss and its GPUs appear as the pane widens. */
export const SESSION_COLUMNS: readonly ColumnSpec[] = [
  { key: 'attached', width: 1, drop: 1 },
  { key: 'name', width: 16, grow: 1, max: 40 },
  { key: 'age', width: 4, align: 'right', drop: 2 },
  { key: 'status', width: 16 },
  { key: 'progress', width: 13, drop: 3 },
  { key: 'loss', width: 7, align: 'right', drop: 4 },
  { key: 'gpus', width: 5, drop: 5 },
];
const SESSION_HEADER = {
  attached: '',
  name: 'SESSION',
  age: 'AGE',
  status: 'STATUS',
  progress: 'PROGRESS',
  loss: 'LOSS',
  gpus: 'GPUS',
};

const STATUS_TONE: Record<SessionKind, string> = {
  running: 'ok',
  finished: 'muted',
  exited: 'muted',
  crashed: 'bad',
  killed: 'bad',
  stopped: 'muted',
};

const SessionRow = memo(function SessionRow({
  session,
  facts,
  now,
  skew,
  columns,
  width,
  selected,
}: {
  session: TmuxSession;
  /** A live trainyard run's GPUs, progress and loss (the same object while they do not change). */
  facts: RunFacts | undefined;
  now: number;
  skew: number;
  columns: readonly PlannedColumn[];
  width: number;
  selected?: boolean;
}) {
  noteRender('SessionRow', session.name);
  const status = sessionStatus(session);
  return (
    <Row
      columns={columns}
      width={width}
      inverse={selected}
      cells={{
        attached: session.attached ? '*' : ' ',
        name: session.name,
        age: formatAge(sessionAgeSeconds(session, now, skew)),
        status: { text: status.text, tone: STATUS_TONE[status.kind] },
        progress: session.running ? (facts?.progress ?? '') : '',
        loss: session.running ? (facts?.loss ?? '') : '',
        gpus: facts?.gpus ?? '',
      }}
    />
  );
});

/** " ↑2 ↓7 more" when sessions lie above or below the rows on screen. */
export function moreMarker(top: number, rows: number, total: number): string {
  const above = top;
  const below = Math.max(0, total - top - rows);
  if (above === 0 && below === 0) return '';
  return ` ${above ? `↑${above} ` : ''}${below ? `↓${below} ` : ''}more`;
}

export interface SessionsPaneProps {
  alias: string;
  width: number;
  visible: number;
  scroll: number;
  /** Index of the selected session, highlighted (only while the pane has focus). */
  cursor?: number;
}

export function SessionsPane({ alias, width, visible, scroll, cursor }: SessionsPaneProps) {
  const host = useTrainyard(
    useShallow((s) => {
      const h = s.hosts[alias];
      return h
        ? {
            sessions: runSessions(h),
            facts: h.runFacts,
            error: h.sessionsError,
            skew: h.clockSkewSeconds,
            up: isUp(h.connection.state),
            seen: h.sessionsUpdatedAt !== null,
          }
        : null;
    }),
  );
  const now = useMinuteClock();
  const columns = useMemo(() => planColumns(SESSION_COLUMNS, width), [width]);
  if (!host)
    return (
      <Line width={width} tone="muted">
        no host selected
      </Line>
    );
  const rows = host.error ? Math.max(0, visible - 1) : visible;
  const top = Math.max(0, Math.min(scroll, host.sessions.length - rows));
  return (
    <>
      <Row
        columns={columns}
        width={width}
        cells={{ ...SESSION_HEADER, name: `SESSION${moreMarker(top, rows, host.sessions.length)}` }}
        tone="muted"
      />
      {host.error && (
        <Line width={width} tone="bad">
          {host.error}
        </Line>
      )}
      {!host.error && host.sessions.length === 0 && (
        <Line width={width} tone="muted">
          {host.up ? (host.seen ? 'no tmux sessions' : 'waiting for tmux') : 'not connected'}
        </Line>
      )}
      {host.sessions.slice(top, top + rows).map((session, i) => (
        <SessionRow
          key={session.name}
          session={session}
          facts={host.facts[session.name]}
          now={now}
          skew={host.skew}
          columns={columns}
          width={width}
          selected={cursor === top + i}
        />
      ))}
    </>
  );
}
