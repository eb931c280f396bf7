/**
 * The cockpit: a frame exactly the terminal's size. Wide screens show hosts, GPUs and sessions side
 * by side; below 60 columns one pane at a time behind a tab bar. Keys go through keymap.ts.
 */
import React, { useCallback, useMemo, useReducer, useRef, useState } from 'react';
import { Box, useApp, useInput } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import type { CockpitController } from '../src/cockpit/controller.js';
import type { TrainyardStore } from '../src/state/store.js';
import { GpuTitle, SessionsTitle } from './DetailTitle.js';
import { Footer } from './Footer.js';
import { GpuPane } from './GpuPane.js';
import { Header } from './Header.js';
import { HELP_LINE_COUNT, HelpOverlay } from './HelpOverlay.js';
import { HostList, HostListHeader } from './HostList.js';
import { HostRow, longestAlias, planHostColumns } from './HostRow.js';
import { findBinding, type ViewCommands } from './keymap.js';
import { computeLayout, helpRows, type Layout } from './layout.js';
import { PaneFrame } from './PaneFrame.js';
import { PassphrasePrompt } from './PassphrasePrompt.js';
import { paneCounts } from './selectors.js';
import { SessionsPane } from './SessionsPane.js';
import { StoreContext, useTrainyard } from './storeContext.js';
import { TabBar } from './TabBar.js';
import { colorsDisabled, createTheme, ThemeContext } from './theme.js';
import { initialUiState, uiReducer, type Limits, type UiAction, type UiState } from './uiState.js';
import { useTerminalSize } from './useTerminalSize.js';

/** How long q waits for controller.shutdown() before leaving anyway. */
export const SHUTDOWN_TIMEOUT_MS = 5000;

export interface AppProps {
  store: TrainyardStore;
  controller: CockpitController;
  /** Overrides the NO_COLOR environment check (tests). */
  noColor?: boolean;
}

export function App({ store, controller, noColor }: AppProps) {
  const theme = useMemo(() => createTheme(noColor ?? colorsDisabled()), [noColor]);
  return (
    <StoreContext.Provider value={store}>
      <ThemeContext.Provider value={theme}>
        <Cockpit controller={controller} />
      </ThemeContext.Provider>
    </StoreContext.Provider>
  );
}

function Cockpit({ controller }: { controller: CockpitController }) {
  const { columns, rows } = useTerminalSize();
  const hostOrder = useTrainyard((s) => s.hostOrder);
  const prompt = useTrainyard((s) => s.prompt);
  const [ui, dispatch] = useReducer(uiReducer, initialUiState);
  const selected = Math.max(0, Math.min(ui.selected, hostOrder.length - 1));
  const alias: string | undefined = hostOrder[selected];
  const counts = useTrainyard(useShallow((s) => paneCounts(alias === undefined ? undefined : s.hosts[alias])));
  const layout = computeLayout(columns, rows, counts);
  const limits: Limits = {
    hosts: hostOrder.length,
    gpuScrollMax: Math.max(0, counts.gpuLines - layout.gpuRows),
    sessionScrollMax: Math.max(0, counts.sessionLines - layout.sessionRows),
    helpScrollMax: Math.max(0, HELP_LINE_COUNT - helpRows(rows)),
  };

  // The reducer also runs here, ahead of React, so several keys in one chunk ("jr") each see the
  // state the previous one left (r retries the host j moved to, not the one on screen).
  const current = useRef(ui);
  current.current = ui;
  const apply = (action: UiAction) => {
    current.current = uiReducer(current.current, action);
    dispatch(action);
  };
  const view: ViewCommands = {
    move: (delta) => apply({ type: 'move', delta, limits }),
    edge: (to) => apply({ type: 'edge', to, limits }),
    selectHost: (delta) => apply({ type: 'selectHost', delta, limits }),
    cyclePane: (delta) => apply({ type: 'cyclePane', delta }),
    focusPane: (pane) => apply({ type: 'focusPane', pane }),
    toggleHelp: () => apply({ type: 'toggleHelp' }),
    closeOverlay: () => apply({ type: 'closeOverlay' }),
  };

  const { exit } = useApp();
  const [quitting, setQuitting] = useState(false);
  const quittingRef = useRef(false);
  const quit = useCallback(() => {
    if (quittingRef.current) return;
    quittingRef.current = true;
    setQuitting(true);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SHUTDOWN_TIMEOUT_MS);
    });
    void Promise.race([Promise.resolve().then(() => controller.shutdown()), timeout])
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer);
        exit();
      });
  }, [controller, exit]);

  useInput(
    (input, key) => {
      // Keys typed faster than the link delivers them arrive as one chunk ("jj"): take them one by one.
      const presses = input.length > 1 && !key.ctrl && !key.meta ? [...input].map((ch) => [ch, { ...key, shift: /[A-Z]/.test(ch) }] as const) : [[input, key] as const];
      for (const [ch, k] of presses) {
        const binding = findBinding(ch, k);
        if (!binding || (current.current.help && !binding.inOverlay) || quittingRef.current) continue;
        binding.run({ controller, alias: hostOrder[Math.max(0, Math.min(current.current.selected, hostOrder.length - 1))], view, quit });
      }
    },
    { isActive: prompt === null },
  );

  const scroll = {
    gpu: Math.min(ui.gpuScroll, limits.gpuScrollMax),
    sessions: Math.min(ui.sessionScroll, limits.sessionScrollMax),
  };

  let body: React.ReactNode;
  if (prompt) {
    body = (
      <Box flexGrow={1} flexShrink={1} alignItems="center" justifyContent="center" overflow="hidden">
        <PassphrasePrompt key={prompt.id} prompt={prompt} controller={controller} width={columns} onQuit={quit} />
      </Box>
    );
  } else if (ui.help) {
    return (
      <Box width={columns} height={rows} overflow="hidden" flexDirection="column">
        <HelpOverlay width={columns} height={rows} scroll={Math.min(ui.helpScroll, limits.helpScrollMax)} />
      </Box>
    );
  } else if (layout.mode === 'wide') {
    body = <WideBody layout={layout} ui={ui} selected={selected} alias={alias} scroll={scroll} />;
  } else {
    body = <NarrowBody layout={layout} ui={ui} selected={selected} alias={alias} scroll={scroll} />;
  }

  return (
    <Box width={columns} height={rows} overflow="hidden" flexDirection="column">
      {layout.mode === 'wide' ? <Header width={columns} /> : <TabBar active={ui.focus} width={columns} />}
      {body}
      <Footer width={columns} quitting={quitting} prompting={prompt !== null} />
    </Box>
  );
}

interface BodyProps {
  layout: Layout;
  ui: UiState;
  selected: number;
  alias: string | undefined;
  scroll: { gpu: number; sessions: number };
}

function WideBody({ layout, ui, selected, alias, scroll }: BodyProps) {
  if (layout.mode !== 'wide') return null;
  const inner = layout.detailWidth - 2;
  return (
    <Box flexDirection="row" height={layout.bodyHeight} overflow="hidden" flexShrink={0}>
      <PaneFrame title="Hosts" focused={ui.focus === 'hosts'} width={layout.hostsWidth} height={layout.bodyHeight} bordered>
        <HostList width={layout.hostsWidth - 2} visible={layout.hostRows} selected={selected} focused={ui.focus === 'hosts'} />
      </PaneFrame>
      <Box flexDirection="column" width={layout.detailWidth} height={layout.bodyHeight} overflow="hidden" flexShrink={0}>
        <PaneFrame title={<GpuTitle alias={alias} />} focused={ui.focus === 'gpus'} width={layout.detailWidth} height={layout.gpuHeight} bordered>
          {alias !== undefined && <GpuPane alias={alias} width={inner} visible={layout.gpuRows} scroll={scroll.gpu} />}
        </PaneFrame>
        <PaneFrame title={<SessionsTitle alias={alias} />} focused={ui.focus === 'sessions'} width={layout.detailWidth} height={layout.sessionsHeight} bordered>
          {alias !== undefined && <SessionsPane alias={alias} width={inner} visible={layout.sessionRows} scroll={scroll.sessions} />}
        </PaneFrame>
      </Box>
    </Box>
  );
}

function NarrowBody({ layout, ui, selected, alias, scroll }: BodyProps) {
  const width = layout.columns;
  const order = useTrainyard((s) => s.hostOrder);
  const hostColumns = useMemo(() => planHostColumns(width, longestAlias(order)), [width, order]);
  return (
    <>
      {ui.focus === 'hosts' || alias === undefined ? (
        <HostListHeader width={width} />
      ) : (
        <HostRow alias={alias} selected focused={false} columns={hostColumns} width={width} />
      )}
      <PaneFrame focused width={width} height={layout.bodyHeight} bordered={false}>
        {ui.focus === 'hosts' && <HostList width={width} visible={layout.hostRows} selected={selected} focused />}
        {ui.focus === 'gpus' && alias !== undefined && <GpuPane alias={alias} width={width} visible={layout.gpuRows} scroll={scroll.gpu} />}
        {ui.focus === 'sessions' && alias !== undefined && <SessionsPane alias={alias} width={width} visible={layout.sessionRows} scroll={scroll.sessions} />}
      </PaneFrame>
    </>
  );
}
