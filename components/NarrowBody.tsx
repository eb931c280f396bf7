/** Narrow layout (a phone): one pane at a time under the tab bar, or the Run tab (action output, log or watchdog). */
import { useMemo } from 'react';
import type { Frame } from '../src/cockpit/frame.js';
import { ActionPane } from './ActionPane.js';
import { DetailContent } from './DetailContent.js';
import { HostList, HostListHeader } from './HostList.js';
import { HostGpuPane, HostSessionsPane } from './HostPanes.js';
import { HostRow, longestAlias, planHostColumns } from './HostRow.js';
import { PaneFrame } from './PaneFrame.js';
import { Line } from './Row.js';
import { useTrainyard } from './storeContext.js';
import { useUi } from './uiContext.js';

export interface NarrowBodyProps {
  frame: Frame;
  alias: string | undefined;
  selected: number;
  scroll: { gpu: number; sessions: number };
  banner: string | null;
}

export function NarrowBody({ frame, alias, selected, scroll, banner }: NarrowBodyProps) {
  const { layout, runTabShown } = frame;
  const width = layout.columns;
  const focus = useUi((s) => s.focus);
  const detail = useUi((s) => s.detail);
  const cursor = useUi((s) => s.sessionCursor);
  const actionScroll = useUi((s) => s.actionScroll);
  const order = useTrainyard((s) => s.hostOrder);
  const hostColumns = useMemo(() => planHostColumns(width, longestAlias(order)), [width, order]);
  const subHeader =
    banner !== null ? (
      <Line width={width} tone="bad">
        {banner}
      </Line>
    ) : alias === undefined || (!runTabShown && focus === 'hosts') ? (
      <HostListHeader width={width} />
    ) : (
      <HostRow alias={alias} selected focused={false} columns={hostColumns} width={width} />
    );
  if (runTabShown) {
    return (
      <>
        {subHeader}
        <PaneFrame focused width={width} height={layout.bodyHeight} bordered={false}>
          {detail === 'none' ? (
            <ActionPane alias={alias} width={width} height={layout.bodyHeight} scrollBack={actionScroll} />
          ) : (
            <DetailContent alias={alias} width={width} height={layout.bodyHeight} chart={false} />
          )}
        </PaneFrame>
      </>
    );
  }
  return (
    <>
      {subHeader}
      <PaneFrame focused width={width} height={layout.bodyHeight} bordered={false}>
        {focus === 'hosts' && <HostList width={width} visible={layout.hostRows} selected={selected} focused />}
        {focus === 'gpus' && alias !== undefined && (
          <HostGpuPane alias={alias} width={width} visible={layout.gpuRows} scroll={scroll.gpu} />
        )}
        {focus === 'sessions' && alias !== undefined && (
          <HostSessionsPane
            alias={alias}
            width={width}
            visible={layout.sessionRows}
            scroll={scroll.sessions}
            cursor={cursor}
          />
        )}
      </PaneFrame>
    </>
  );
}
