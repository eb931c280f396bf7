/** Wide layout: the host list beside the selected host's GPUs, sessions and latest action, or beside its log or watchdog. */

import { Box } from 'ink';
import type { Frame } from '../src/cockpit/frame.js';
import { PANE_CHROME } from '../src/cockpit/layout.js';
import { ActionPane } from './ActionPane.js';
import { DetailContent } from './DetailContent.js';
import { GpuTitle, SessionsTitle } from './DetailTitle.js';
import { HostList, HostListHeader } from './HostList.js';
import { HostGpuPane, HostSessionsPane } from './HostPanes.js';
import { PaneFrame } from './PaneFrame.js';
import { useUi } from './uiContext.js';

export function WideBody({
  frame,
  alias,
  selected,
  scroll,
}: {
  frame: Frame;
  alias: string | undefined;
  selected: number;
  scroll: { gpu: number; sessions: number };
}) {
  const ui = useUi((s) => s);
  const layout = frame.layout;
  if (layout.mode !== 'wide') return null;
  const inner = layout.detailWidth - 2;
  const focus = ui.actionFocus && frame.actionHeight > 0 ? 'action' : ui.focus;
  const hosts = (
    <PaneFrame title="Hosts" focused={focus === 'hosts'} width={layout.hostsWidth} height={layout.bodyHeight} bordered>
      <HostListHeader width={layout.hostsWidth - 2} />
      <HostList
        width={layout.hostsWidth - 2}
        visible={layout.hostRows}
        selected={selected}
        focused={focus === 'hosts'}
      />
    </PaneFrame>
  );
  if (ui.detail !== 'none') {
    const title =
      ui.detail === 'log'
        ? `Log · ${ui.log?.alias ?? ''} ${ui.log?.session ?? ''}`
        : ui.detail === 'runs'
          ? 'Runs · every host'
          : `Watchdog · ${alias ?? ''}`;
    return (
      <Box flexDirection="row" height={layout.bodyHeight} overflow="hidden" flexShrink={0}>
        {hosts}
        <PaneFrame title={title} focused width={layout.detailWidth} height={layout.bodyHeight} bordered>
          <DetailContent alias={alias} width={frame.detailWidth} height={frame.detailHeight} chart={frame.chartShown} />
        </PaneFrame>
      </Box>
    );
  }
  const cursor = focus === 'sessions' ? ui.sessionCursor : undefined;
  return (
    <Box flexDirection="row" height={layout.bodyHeight} overflow="hidden" flexShrink={0}>
      {hosts}
      <Box
        flexDirection="column"
        width={layout.detailWidth}
        height={layout.bodyHeight}
        overflow="hidden"
        flexShrink={0}
      >
        <PaneFrame
          title={<GpuTitle alias={alias} />}
          focused={focus === 'gpus'}
          width={layout.detailWidth}
          height={layout.gpuHeight}
          bordered
        >
          {alias !== undefined && (
            <HostGpuPane alias={alias} width={inner} visible={layout.gpuRows} scroll={scroll.gpu} />
          )}
        </PaneFrame>
        {layout.sessionsHeight > 0 && (
          <PaneFrame
            title={<SessionsTitle alias={alias} />}
            focused={focus === 'sessions'}
            width={layout.detailWidth}
            height={layout.sessionsHeight}
            bordered
          >
            {alias !== undefined && (
              <HostSessionsPane
                alias={alias}
                width={inner}
                visible={layout.sessionRows}
                scroll={scroll.sessions}
                cursor={cursor}
              />
            )}
          </PaneFrame>
        )}
        {frame.actionHeight > 0 && (
          <PaneFrame
            title="Action"
            focused={focus === 'action'}
            width={layout.detailWidth}
            height={frame.actionHeight}
            bordered
          >
            <ActionPane
              alias={alias}
              width={inner}
              height={Math.max(0, frame.actionHeight - PANE_CHROME)}
              scrollBack={ui.actionScroll}
            />
          </PaneFrame>
        )}
      </Box>
    </Box>
  );
}
