/**
 * A metric from the log (loss by default) as a chart that fits a phone's 50 columns, with nan/inf
 * marked on the axis. Give it a MetricsCollector (fed by a LogTail) and a size. While isActive:
 * `m` shows the next metric, `y` switches the y axis between linear and log.
 */
import React, { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import { formatNumber, renderChart } from '../src/logs/chart.js';
import type { MetricsState } from '../src/logs/metrics.js';
import { useTheme } from './theme.js';

export interface LossChartProps {
  metrics: { store: StoreApi<MetricsState> };
  width: number;
  height: number;
  /** Metric to show first (default: loss, else the first *loss, else the first seen). */
  metric?: string;
  style?: 'braille' | 'block';
  isActive?: boolean;
}

export const LOSS_CHART_KEYS: readonly { keys: string; help: string }[] = [
  { keys: 'm', help: 'chart the next metric' },
  { keys: 'y', help: 'linear / log y axis' },
];

export function defaultMetric(names: readonly string[]): string | undefined {
  return names.find((n) => n === 'loss') ?? names.find((n) => /loss$/i.test(n) && !/val|eval|test/i.test(n)) ?? names.find((n) => /loss/i.test(n)) ?? names[0];
}

export function LossChart({ metrics, width, height, metric, style = 'braille', isActive = true }: LossChartProps) {
  const theme = useTheme();
  const state = useStore(metrics.store);
  const [chosen, setChosen] = useState<string | undefined>(metric);
  const [logY, setLogY] = useState(false);
  const name = chosen && state.series[chosen] ? chosen : defaultMetric(state.names);

  useInput(
    (input, key) => {
      if (key.ctrl || key.meta) return;
      if (input === 'm' && state.names.length > 0) {
        const i = name ? state.names.indexOf(name) : -1;
        setChosen(state.names[(i + 1) % state.names.length]);
      } else if (input === 'y') setLogY((v) => !v);
    },
    { isActive },
  );

  const series = name ? state.series[name] : undefined;
  const chartHeight = Math.max(1, height - 1);
  const title: { text: string; tone?: string }[] = [];
  if (state.error) title.push({ text: state.error, tone: 'bad' });
  if (!series) {
    title.push({ text: 'no metrics in the log yet', tone: 'muted' });
    return (
      <Box flexDirection="column" width={width} height={height} overflow="hidden" flexShrink={0}>
        <TitleLine parts={title} />
      </Box>
    );
  }

  const chart = renderChart(series.points(), { width, height: chartHeight, style, logY });
  title.push({ text: `${series.name} ${series.last ? formatNumber(series.last.y) : ''}`, tone: 'accent' });
  if (series.best) title.push({ text: `min ${formatNumber(series.best.y)}@${formatNumber(series.best.x)}` });
  if (series.nonFinite) title.push({ text: `${series.nonFinite} nan/inf`, tone: 'bad' });
  if (chart.finitePoints === 0) title.push({ text: 'no finite value', tone: 'bad' });
  if (logY) title.push({ text: 'log y', tone: 'muted' });
  if (state.names.length > 1) title.push({ text: `m: ${state.names.length} metrics`, tone: 'muted' });

  const plotColor = theme.noColor ? undefined : 'cyan';
  const markerStyle = theme.tone('bad');
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden" flexShrink={0}>
      <TitleLine parts={title} />
      {chart.lines.map((line, i) => {
        if (i < chart.plotRows) {
          return (
            <Text key={i} wrap="truncate-end">
              {line.slice(0, chart.plotLeft)}
              <Text color={plotColor}>{line.slice(chart.plotLeft)}</Text>
            </Text>
          );
        }
        if (i === chart.axisRow && chart.markerColumns.length) {
          const parts: React.ReactNode[] = [];
          let at = 0;
          for (const c of chart.markerColumns) {
            parts.push(line.slice(at, c));
            parts.push(
              <Text key={c} {...markerStyle}>
                {line[c]}
              </Text>,
            );
            at = c + 1;
          }
          parts.push(line.slice(at));
          return (
            <Text key={i} wrap="truncate-end">
              {parts}
            </Text>
          );
        }
        return (
          <Text key={i} wrap="truncate-end" dimColor>
            {line}
          </Text>
        );
      })}
    </Box>
  );
}

/** The chart's one-line title: parts joined by " · ", each in its tone, cut to the width. */
function TitleLine({ parts }: { parts: { text: string; tone?: string }[] }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      {parts.map((t, i) => (
        <Text key={i} {...theme.tone(t.tone)}>
          {i ? ' · ' : ''}
          {t.text}
        </Text>
      ))}
    </Text>
  );
}
