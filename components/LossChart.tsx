/**
 * A metric from the log (loss by default) as a chart that fits a phone's 50 columns, with nan/inf
 * marked on the axis. Give it a MetricsCollector (fed by a LogTail) and a size. In the cockpit the
 * chart scope's keys (m next metric, y linear/log) change its ChartModel; alone it reads them while isActive.
 */

import { Box, Text, useInput } from 'ink';
import type React from 'react';
import { useState } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import { splitKeys } from '../src/cockpit/keys.js';
import { ChartModel, shownMetric } from '../src/cockpit/paneModels.js';
import { formatNumber, renderChart } from '../src/logs/chart.js';
import type { MetricsState } from '../src/logs/metrics.js';
import { useTheme } from './theme.js';

export { defaultMetric } from '../src/cockpit/paneModels.js';

export interface LossChartProps {
  metrics: { store: StoreApi<MetricsState> };
  width: number;
  height: number;
  /** Metric to show first (default: loss, else the first *loss, else the first seen). */
  metric?: string;
  style?: 'braille' | 'block';
  /** Which metric and axis, held by the cockpit (then the chart reads no keys itself). */
  model?: ChartModel;
  /** Without a model: whether the chart reads m and y. */
  isActive?: boolean;
}

export function LossChart({
  metrics,
  width,
  height,
  metric,
  style = 'braille',
  model: given,
  isActive = true,
}: LossChartProps) {
  const theme = useTheme();
  const state = useStore(metrics.store);
  const [own] = useState(() => given ?? new ChartModel(metrics.store, metric));
  const model = given ?? own;
  const view = useStore(model.store);
  const name = shownMetric(view, state);
  const logY = view.logY;

  useInput(
    (input, key) => {
      for (const p of splitKeys(input, key)) {
        if (p.key.ctrl || p.key.meta) continue;
        if (p.input === 'm') model.nextMetric();
        else if (p.input === 'y') model.toggleLogY();
      }
    },
    { isActive: given === undefined && isActive },
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
