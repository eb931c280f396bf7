/** The selected host's watchdog: its runs and their state, then the events just shown (marked seen when the pane opened). */
import React from 'react';
import { Box } from 'ink';
import { Line } from './Row.js';
import { useWatchdog } from './servicesContext.js';

export function WatchdogPane({ alias, width, height }: { alias: string | undefined; width: number; height: number }) {
  const host = useWatchdog((s) => (alias === undefined ? undefined : s.hosts[alias]));
  const out: { text: string; tone?: string; bold?: boolean }[] = [];
  const status = host?.status ?? null;
  if (!host || !status) out.push({ text: host?.checkedAt ? 'no answer from the watchdog' : 'asking the watchdog…', tone: 'muted' });
  else if (status.error) out.push({ text: `watchdog: ${status.error}`, tone: 'bad' });
  else if (!status.installed) out.push({ text: 'no watchdog installed (trainyard watchdog install)', tone: 'warn' });
  else {
    out.push({ text: `watchdog ${status.running ? (status.stale ? 'stuck' : 'running') : 'not running'}${status.upToDate ? '' : ' · outdated'}`, tone: status.running && !status.stale ? 'ok' : 'warn' });
    const runs = status.summary?.runs ?? [];
    out.push({ text: `Runs (${runs.length})`, bold: true });
    if (runs.length === 0) out.push({ text: '  none', tone: 'muted' });
    for (const r of runs) {
      const flags = [r.stalled ? 'stalled' : '', r.silent ? 'silent' : '', ...r.flags].filter(Boolean).join(',');
      const tone = r.status === 'crashed' || r.status === 'lost' || flags ? 'bad' : r.status === 'running' ? 'ok' : 'muted';
      out.push({ text: `  ${r.session} ${r.status}${r.exitCode !== null ? ` exit ${r.exitCode}` : ''}${flags ? ` ${flags}` : ''}`, tone });
    }
  }
  const events = host?.shown ?? [];
  out.push({ text: `Events${events.length ? ` (${events.length} new)` : ''}`, bold: true });
  if (events.length === 0) out.push({ text: '  no unread events', tone: 'muted' });
  for (const e of [...events].reverse()) {
    const tone = e.level === 'error' ? 'bad' : e.level === 'warn' ? 'warn' : undefined;
    out.push({ text: `  ${e.time.slice(5, 16).replace('T', ' ')} ${e.session ?? '-'} ${e.kind} ${e.detail}`, tone });
  }
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden" flexShrink={0}>
      {out.slice(0, height).map((l, i) => (
        <Line key={i} width={width} tone={l.tone} bold={l.bold}>
          {l.text}
        </Line>
      ))}
    </Box>
  );
}
