/** The detail area's content: the open log (with its loss chart when there is room) or the watchdog. */

import { Box } from 'ink';
import { CHART_BESIDE_COLUMNS } from '../src/cockpit/frame.js';
import { sessionStatus } from '../src/format/sessions.js';
import { LogPane } from './LogPane.js';
import { LossChart } from './LossChart.js';
import { Line } from './Row.js';
import { RunsPane } from './RunsPane.js';
import { useTrainyard } from './storeContext.js';
import { useUi } from './uiContext.js';
import { WatchdogPane } from './WatchdogPane.js';

export function DetailContent({
  alias,
  width,
  height,
  chart,
}: {
  alias: string | undefined;
  width: number;
  height: number;
  chart: boolean;
}) {
  const detail = useUi((s) => s.detail);
  const log = useUi((s) => s.log);
  const history = useUi((s) => (alias === undefined ? undefined : s.watchdogHistory[alias]));
  const cursor = useUi((s) => s.watchdogCursor);
  const shownWhole = useUi((s) => s.watchdogDetail);
  const ended = useTrainyard((s) => {
    const run = log ? s.hosts[log.alias]?.sessions.find((x) => x.name === log.session) : undefined;
    return run && !run.running ? sessionStatus(run).text : null;
  });
  if (detail === 'runs') return <RunsPane width={width} height={height} />;
  if (detail === 'watchdog')
    return (
      <WatchdogPane
        alias={alias}
        width={width}
        height={height}
        history={history ?? []}
        cursor={cursor}
        detail={shownWhole}
      />
    );
  if (!log) return null;
  const opened = log.opened;
  if (opened === null || 'error' in opened || !log.view || !log.chart) {
    return (
      <Box flexDirection="column" width={width} height={height} overflow="hidden" flexShrink={0}>
        <Line width={width} tone={opened ? 'warn' : 'muted'}>
          {opened && 'error' in opened ? opened.error : `reading the run manifest of ${log.session}…`}
        </Line>
        <Line width={width} tone="muted">
          Esc or l closes
        </Line>
      </Box>
    );
  }
  const title = `${log.alias} ${log.session}`;
  if (chart && width >= CHART_BESIDE_COLUMNS) {
    const chartWidth = Math.min(60, Math.floor(width * 0.4));
    return (
      <Box flexDirection="row" width={width} height={height} overflow="hidden" flexShrink={0}>
        <LogPane
          tail={opened.tail}
          model={log.view}
          width={width - chartWidth - 1}
          height={height}
          title={title}
          ended={ended}
        />
        <Box width={1} flexShrink={0} />
        <LossChart metrics={opened.metrics} model={log.chart} width={chartWidth} height={Math.min(height, 16)} />
      </Box>
    );
  }
  if (chart) {
    const chartHeight = 10;
    return (
      <Box flexDirection="column" width={width} height={height} overflow="hidden" flexShrink={0}>
        <LogPane
          tail={opened.tail}
          model={log.view}
          width={width}
          height={height - chartHeight}
          title={title}
          ended={ended}
        />
        <LossChart metrics={opened.metrics} model={log.chart} width={width} height={chartHeight} />
      </Box>
    );
  }
  return <LogPane tail={opened.tail} model={log.view} width={width} height={height} title={title} ended={ended} />;
}
