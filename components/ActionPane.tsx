/** The selected host's latest action: title and status, a progress bar, the newest output lines, and the verdict. */

import { Box, Text } from 'ink';
import type { ActionProgress } from '../src/actions/types.js';
import { type ActionRunState, latestRunOf, type RunStatus } from '../src/state/actionsStore.js';
import { Line } from './Row.js';
import { useActions } from './servicesContext.js';
import { useTheme } from './theme.js';

const STATUS: Record<RunStatus, { text: string; tone: string }> = {
  running: { text: 'running', tone: 'accent' },
  waiting: { text: 'waiting for you', tone: 'warn' },
  ok: { text: 'done', tone: 'ok' },
  failed: { text: 'failed', tone: 'bad' },
  cancelled: { text: 'cancelled', tone: 'warn' },
  declined: { text: 'declined', tone: 'muted' },
};

const KIND_TONE: Record<string, string | undefined> = {
  err: 'bad',
  warn: 'warn',
  step: 'accent',
  command: 'muted',
  out: undefined,
};

/** "label [#####·····]  45% 12.3MB/s eta 0:00:04" in `width` columns (indeterminate: no percentage). */
export function progressLine(p: ActionProgress, width: number): string {
  const extra = [
    p.fraction === null ? '' : `${Math.round(p.fraction * 100)}%`.padStart(4),
    p.rate ?? '',
    p.eta ? `eta ${p.eta}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const label =
    p.label.length > Math.floor(width / 3) ? p.label.slice(0, Math.max(0, Math.floor(width / 3) - 1)) + '…' : p.label;
  const barWidth = Math.max(4, width - label.length - extra.length - 4);
  const filled = p.fraction === null ? 0 : Math.round(Math.max(0, Math.min(1, p.fraction)) * barWidth);
  const bar = p.fraction === null ? '~'.repeat(barWidth) : '#'.repeat(filled) + '·'.repeat(barWidth - filled);
  return `${label} [${bar}] ${extra}`.trimEnd();
}

export function useLatestRun(alias: string | undefined): ActionRunState | null {
  return useActions((s) => (alias === undefined ? null : latestRunOf(s, alias)));
}

/** A line cut into rows of `width` columns, so nothing is lost off the edge. */
export function wrapRows(text: string, width: number): string[] {
  const chars = [...text];
  if (width <= 0 || chars.length <= width) return [text];
  const rows: string[] = [];
  for (let i = 0; i < chars.length; i += width) rows.push(chars.slice(i, i + width).join(''));
  return rows;
}

/** `scrollBack`: rows scrolled back from the newest output (0: following it). */
export function ActionPane({
  alias,
  width,
  height,
  scrollBack = 0,
}: {
  alias: string | undefined;
  width: number;
  height: number;
  scrollBack?: number;
}) {
  const run = useLatestRun(alias);
  const scrollUp = scrollBack;
  const theme = useTheme();
  if (!run) {
    return (
      <Box flexDirection="column" width={width} height={height} overflow="hidden" flexShrink={0}>
        <Line width={width} tone="muted">
          no action run on this host yet
        </Line>
      </Box>
    );
  }
  const st = STATUS[run.status];
  const head = `${run.title}${run.session ? ` ${run.session}` : ''}${run.dryRun ? ' (dry run)' : ''}`;
  const running = run.status === 'running' || run.status === 'waiting';
  const footer: { text: string; tone?: string }[] = [];
  if (run.verdict) {
    // the verdict and its hint wrap like the output (never cut), in at most half the pane
    for (const text of wrapRows(run.verdict.summary, width)) footer.push({ text, tone: st.tone });
    if (run.verdict.hint)
      for (const text of wrapRows(`→ ${run.verdict.hint}`, width)) footer.push({ text, tone: 'muted' });
    footer.splice(Math.max(1, Math.floor(height / 2)));
  } else if (running && run.cancellable) {
    footer.push({ text: 'Esc cancels', tone: 'muted' });
  }
  const showProgress = running && run.progress !== null;
  const outputRows = Math.max(0, height - 1 - (showProgress ? 1 : 0) - footer.length);
  // Wrapped, newest at the bottom; j/k (the Action pane focused, or the Run tab) scroll back.
  const rows: { key: string; text: string; kind: string }[] = [];
  for (const l of run.lines)
    wrapRows(l.text, width).forEach((text, i) => rows.push({ key: `${l.n}.${i}`, text, kind: l.kind }));
  const back = Math.max(0, Math.min(scrollUp, rows.length - outputRows));
  const end = rows.length - back;
  const shown = outputRows > 0 ? rows.slice(Math.max(0, end - outputRows), end) : [];
  if (back > 0 && shown.length > 1)
    shown[shown.length - 1] = { key: 'more', text: `↓ ${back} more rows (G: newest)`, kind: 'step' };
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden" flexShrink={0}>
      <Line width={width} bold>
        {head} · <Text {...theme.tone(st.tone)}>{st.text}</Text>
      </Line>
      {showProgress && run.progress && (
        <Line width={width} tone="accent">
          {progressLine(run.progress, width)}
        </Line>
      )}
      <Box flexDirection="column" width={width} height={outputRows} overflow="hidden" flexShrink={0}>
        {shown.map((l) => (
          <Line key={l.key} width={width} tone={KIND_TONE[l.kind]}>
            {l.text === '' ? ' ' : l.text}
          </Line>
        ))}
      </Box>
      {footer.map((f, i) => (
        <Line key={i} width={width} tone={f.tone}>
          {f.text}
        </Line>
      ))}
    </Box>
  );
}
