/**
 * The selected host's watchdog: its state (and how to install it when missing), its runs, then
 * every event seen this session, newest first; j/k move through them, Enter shows one whole.
 */

import { Box } from 'ink';
import { wrapWords } from '../src/cockpit/questionForm.js';
import { isAlert } from '../src/cockpit/watchdogHistory.js';
import type { WatchdogEvent } from '../src/watchdog/events.js';
import type { WatchdogHostView } from '../src/watchdog/poller.js';
import { Line } from './Row.js';
import { useWatchdog } from './servicesContext.js';

interface Out {
  text: string;
  tone?: string;
  bold?: boolean;
  inverse?: boolean;
}

function eventTone(e: WatchdogEvent): string | undefined {
  if (isAlert(e)) return 'bad';
  if (e.kind === 'finished' || e.kind === 'recovered' || e.kind === 'disk-ok' || e.kind === 'restarted') return 'ok';
  return e.level === 'warn' ? 'warn' : undefined;
}

const eventLine = (e: WatchdogEvent) =>
  `${e.time.slice(5, 16).replace('T', ' ')} ${e.session ?? '-'} ${e.kind === 'finished' ? 'finished ✓' : e.kind} ${e.detail}`;

/** The watchdog's state (with the command that fixes it) and its runs. */
function statusLines(host: WatchdogHostView | undefined, alias: string | undefined): Out[] {
  const out: Out[] = [];
  const status = host?.status ?? null;
  const install = `install it: trainyard watchdog install ${alias ?? 'HOST'}`;
  if (!host || !status)
    out.push({ text: host?.checkedAt ? 'no answer from the watchdog' : 'asking the watchdog…', tone: 'muted' });
  else if (status.error) out.push({ text: `watchdog: ${status.error}`, tone: 'bad' });
  else if (!status.installed)
    out.push({ text: `no watchdog on ${alias}`, tone: 'warn' }, { text: install, tone: 'warn' });
  else {
    const state = status.running ? (status.stale ? 'stuck' : 'running') : 'not running';
    out.push({
      text: `watchdog ${state}${status.upToDate ? '' : ' · outdated'}`,
      tone: status.running && !status.stale ? 'ok' : 'warn',
    });
    if (!status.running || status.stale || !status.upToDate)
      out.push({
        text: `${status.running && !status.stale ? 'upgrade' : 'restart'} it: trainyard watchdog install ${alias}`,
        tone: 'warn',
      });
    const runs = status.summary?.runs ?? [];
    out.push({ text: `Runs (${runs.length})`, bold: true });
    if (runs.length === 0) out.push({ text: '  none', tone: 'muted' });
    for (const r of runs) {
      const flags = [r.stalled ? 'stalled' : '', r.silent ? 'silent' : '', ...r.flags].filter(Boolean).join(',');
      const tone =
        r.status === 'crashed' || r.status === 'lost' || flags
          ? 'bad'
          : r.status === 'running' || r.status === 'finished'
            ? 'ok'
            : 'muted';
      out.push({
        text: `  ${r.session} ${r.status}${r.exitCode !== null && r.status !== 'finished' ? ` exit ${r.exitCode}` : ''}${flags ? ` ${flags}` : ''}`,
        tone,
      });
    }
  }
  return out;
}

export interface WatchdogPaneProps {
  alias: string | undefined;
  width: number;
  height: number;
  /** Every event seen, newest first (default: the host's unread and last shown ones). */
  history?: readonly WatchdogEvent[];
  /** The event under the cursor, and whether it is shown whole. */
  cursor?: number;
  detail?: boolean;
}

export function WatchdogPane({ alias, width, height, history: given, cursor = 0, detail = false }: WatchdogPaneProps) {
  const host = useWatchdog((s) => (alias === undefined ? undefined : s.hosts[alias]));
  const history = given ?? [...(host?.status?.unread ?? []), ...(host?.shown ?? [])].reverse();
  const at = Math.max(0, Math.min(cursor, history.length - 1));
  const chosen = history[at];
  const shown = detail && chosen ? chosen : null;
  const out: Out[] = shown ? [] : statusLines(host, alias);
  if (shown) {
    out.push({ text: `Event ${at + 1} of ${history.length} (Enter: back to the list)`, bold: true });
    out.push({
      text: `  ${shown.time.replace('T', ' ')} ${shown.kind} · ${shown.session ?? '-'} · ${shown.project ?? '-'}`,
      tone: eventTone(shown),
    });
    for (const row of wrapWords(shown.detail, Math.max(10, width - 2))) out.push({ text: `  ${row}` });
  } else {
    out.push({ text: `Events (${history.length}${history.length ? ', newest first · j/k Enter' : ''})`, bold: true });
    if (history.length === 0) out.push({ text: '  none yet', tone: 'muted' });
    const room = Math.max(1, height - out.length);
    const top = Math.max(0, Math.min(at - Math.floor(room / 2), history.length - room));
    for (let i = top; i < Math.min(history.length, top + room); i++)
      out.push({
        text: `${i === at ? '▸' : ' '} ${eventLine(history[i])}`,
        tone: eventTone(history[i]),
        inverse: i === at,
      });
  }
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden" flexShrink={0}>
      {out.slice(0, height).map((l, i) => (
        <Line key={i} width={width} tone={l.tone} bold={l.bold} inverse={l.inverse}>
          {l.text}
        </Line>
      ))}
    </Box>
  );
}
