/**
 * The live log of one run: follow / pause / scroll / search over a LogTail's ring buffer.
 * In the cockpit its view state and keys belong to a LogViewModel the UI controller holds (the
 * log scope in src/cockpit/bindings); without one it keeps its own and reads keys while isActive.
 */

import { Box, type Key, Text, useInput } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import { splitKeys } from '../src/cockpit/keys.js';
import { LogViewModel } from '../src/cockpit/paneModels.js';
import type { LogTailState } from '../src/logs/logTail.js';
import { frame, type ViewRow } from '../src/logs/logView.js';
import type { LineRing } from '../src/logs/ringBuffer.js';
import { safeLine, stripSgr } from '../src/text/sanitise.js';
import { useTheme } from './theme.js';
import { useShallow } from './useShallow.js';

export interface LogPaneSource {
  lines: LineRing;
  store: StoreApi<LogTailState>;
}

export interface LogPaneProps {
  tail: LogPaneSource;
  width: number;
  height: number;
  /** Shown first in the status line (e.g. "gpu-1 train01"). */
  title?: string;
  /** The view state and its keys, held by the cockpit (then the pane reads no keys itself). */
  model?: LogViewModel;
  /** Without a model: whether this pane reads keys (default true). */
  isActive?: boolean;
  /** Start wrapped (default) or cut. */
  wrap?: boolean;
  /** How the run ended ("finished", "crashed exit 1"), when it has: then it is not "following" anything. */
  ended?: string | null;
  /** Told when typing a search starts and ends: while typing, every key belongs to the pane. */
  onInputModeChange?: (typing: boolean) => void;
  /** Keys the pane does not use (e.g. Esc with no search, l in wrap mode), for the rest of the app. */
  onUnusedKey?: (input: string, key: Key) => void;
}

function compact(n: number): string {
  return n < 10_000
    ? String(n)
    : n < 1_000_000
      ? `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`
      : `${(n / 1_000_000).toFixed(1)}M`;
}

export function LogPane({
  tail,
  width,
  height,
  title,
  model: given,
  isActive = true,
  wrap = true,
  ended = null,
  onInputModeChange,
  onUnusedKey,
}: LogPaneProps) {
  const theme = useTheme();
  const [own] = useState(() => given ?? new LogViewModel(tail.lines, wrap));
  const model = given ?? own;
  const view = useStore(model.store);
  const t = useStore(
    tail.store,
    useShallow((s: LogTailState) => ({
      version: s.version,
      status: s.status,
      error: s.error,
      partial: s.partial,
      received: s.received,
    })),
  );
  const typing = view.input !== null;
  const logHeight = Math.max(0, height - 1 - (typing ? 1 : 0));
  const size = { width, height: logHeight };
  model.setSize(size);

  // Standalone (no model from the cockpit): the pane reads its own keys, one at a time.
  useInput(
    (input, key) => {
      for (const p of splitKeys(input, key)) if (!model.press(p)) onUnusedKey?.(p.input, p.key as Key);
    },
    { isActive: given === undefined && isActive },
  );

  const typingRef = useRef(false);
  useEffect(() => {
    if (typingRef.current === typing) return;
    typingRef.current = typing;
    onInputModeChange?.(typing);
  }, [typing, onInputModeChange]);

  const shown = frame(view, tail.lines, t.partial, size);

  const status: { text: string; tone: string }[] = [];
  if (title) status.push({ text: safeLine(title), tone: 'accent' });
  if (t.status === 'disconnected') status.push({ text: 'link down, will resume', tone: 'bad' });
  else if (t.status === 'error') status.push({ text: `error: ${(t.error ?? '').split('\n')[0]}`, tone: 'bad' });
  else if (t.status === 'waiting-for-file') status.push({ text: 'waiting for the log file', tone: 'warn' });
  else if (t.status === 'starting') status.push({ text: 'opening', tone: 'muted' });
  if (ended) status.push({ text: `run ${ended}`, tone: /crash|kill/.test(ended) ? 'bad' : 'muted' });
  if (view.follow) status.push({ text: ended ? 'at the end' : 'following', tone: ended ? 'muted' : 'ok' });
  else status.push({ text: shown.newBelow > 0 ? `paused +${compact(shown.newBelow)}` : 'paused', tone: 'warn' });
  if (view.search) {
    const s = view.search;
    status.push({ text: `/${s.query}${s.note ? ` ${s.note}` : ''}`, tone: s.matchSeq === null ? 'bad' : 'accent' });
  } else {
    status.push({ text: `${compact(t.received)} lines`, tone: 'muted' });
  }
  if (!view.wrap) status.push({ text: view.hscroll ? `cut +${view.hscroll}` : 'cut', tone: 'muted' });

  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden" flexShrink={0}>
      <Box height={1} width={width} overflow="hidden" flexShrink={0}>
        <Text wrap="truncate-end">
          {status.map((s, i) => (
            <Text key={i} {...theme.tone(s.tone)}>
              {i ? ' · ' : ''}
              {s.text}
            </Text>
          ))}
        </Text>
      </Box>
      <Box flexDirection="column" height={logHeight} width={width} overflow="hidden" flexShrink={0}>
        {shown.rows.map((r, i) => (
          <LogRow key={i} row={r} noColor={theme.noColor} />
        ))}
      </Box>
      {typing ? (
        <Box height={1} width={width} overflow="hidden" flexShrink={0}>
          <Text wrap="truncate-start">
            /{view.input}
            <Text inverse> </Text>
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}

function LogRow({ row, noColor }: { row: ViewRow; noColor: boolean }) {
  if (row.marker) {
    return (
      <Text wrap="truncate-end" dimColor>
        {stripSgr(row.row.map((s) => s.text).join(''))}
      </Text>
    );
  }
  // An empty Text takes no row in Ink; a blank line must still take one.
  if (row.row.every((s) => stripSgr(s.text) === '')) return <Text> </Text>;
  return (
    <Text wrap="truncate-end">
      {row.row.map((seg, i) =>
        seg.highlight ? (
          <Text key={i} inverse bold={row.current} color={row.current && !noColor ? 'yellow' : undefined}>
            {seg.text}
          </Text>
        ) : (
          <Text key={i}>{noColor ? stripSgr(seg.text) : seg.text}</Text>
        ),
      )}
    </Text>
  );
}
