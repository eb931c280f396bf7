/**
 * The cockpit: a frame exactly the terminal's size. Wide screens show hosts, GPUs and sessions side
 * by side; below 60 columns one pane at a time behind a tab bar. Keys go through keymap.ts.
 */
import React, { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { Box, useApp, useInput, type Key } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import { findAction } from '../src/actions/registry.js';
import type { ActionId } from '../src/actions/types.js';
import type { CockpitController, CockpitServices, OpenLogResult } from '../src/cockpit/controller.js';
import { ActionPane, useLatestRun } from './ActionPane.js';
import { LogPane } from './LogPane.js';
import { LossChart } from './LossChart.js';
import { QuestionModal } from './QuestionModal.js';
import { ServicesContext, useActions, useServices, useWatchdog } from './servicesContext.js';
import { WatchdogPane } from './WatchdogPane.js';
import type { TrainyardStore } from '../src/state/store.js';
import { GpuTitle, SessionsTitle } from './DetailTitle.js';
import { Footer } from './Footer.js';
import { GpuPane } from './GpuPane.js';
import { Header } from './Header.js';
import { HELP_LINE_COUNT, HelpOverlay } from './HelpOverlay.js';
import { HostList, HostListHeader } from './HostList.js';
import { HostRow, longestAlias, planHostColumns } from './HostRow.js';
import { findBinding, type ViewCommands } from './keymap.js';
import { computeLayout, helpRows, PANE_CHROME, type Layout } from './layout.js';
import { PaneFrame } from './PaneFrame.js';
import { Line } from './Row.js';
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
  /** Actions, logs and the watchdog (each optional). */
  services?: CockpitServices;
}

const NO_SERVICES: CockpitServices = {};

export function App({ store, controller, noColor, services }: AppProps) {
  const theme = useMemo(() => createTheme(noColor ?? colorsDisabled()), [noColor]);
  return (
    <StoreContext.Provider value={store}>
      <ServicesContext.Provider value={services ?? NO_SERVICES}>
        <ThemeContext.Provider value={theme}>
          <Cockpit controller={controller} />
        </ThemeContext.Provider>
      </ServicesContext.Provider>
    </StoreContext.Provider>
  );
}

/** What the detail area shows instead of GPUs and sessions: a session's log or the watchdog. */
export type DetailView = 'none' | 'log' | 'watchdog';

interface LogState {
  alias: string;
  session: string;
  /** null while the manifest is read. */
  opened: OpenLogResult | null;
}

/** Lines the action pane takes below the sessions pane on wide screens (or all of it when small). */
function splitSessions(sessionsHeight: number): { sessions: number; action: number } {
  const action = Math.max(PANE_CHROME + 3, Math.floor(sessionsHeight / 2));
  if (sessionsHeight - action < PANE_CHROME + 2) return { sessions: 0, action: sessionsHeight };
  return { sessions: sessionsHeight - action, action };
}

function Cockpit({ controller }: { controller: CockpitController }) {
  const { columns, rows } = useTerminalSize();
  const hostOrder = useTrainyard((s) => s.hostOrder);
  const prompt = useTrainyard((s) => s.prompt);
  const [ui, dispatch] = useReducer(uiReducer, initialUiState);
  const selected = Math.max(0, Math.min(ui.selected, hostOrder.length - 1));
  const alias: string | undefined = hostOrder[selected];
  const counts = useTrainyard(useShallow((s) => paneCounts(alias === undefined ? undefined : s.hosts[alias])));
  const sessions = useTrainyard((s) => (alias === undefined ? undefined : s.hosts[alias]?.sessions));
  const services = useServices();
  const question = useActions((s) => s.question);
  const latestRun = useLatestRun(alias);
  const banner = useWatchdog((s) => s.banner);
  const [detail, setDetailState] = useState<DetailView>('none');
  const detailRef = useRef<DetailView>('none');
  const setDetail = (d: DetailView) => {
    detailRef.current = d;
    setDetailState(d);
  };
  const [log, setLog] = useState<LogState | null>(null);
  const openLog = useRef<{ token: number; close: (() => void) | null }>({ token: 0, close: null });
  /** Narrow layout: the Run tab (action output, log or watchdog) is on screen. */
  const [runTab, setRunTabState] = useState(false);
  const runTabRef = useRef(false);
  const setRunTab = (v: boolean) => {
    runTabRef.current = v;
    setRunTabState(v);
  };
  const [notice, setNotice] = useState<string | null>(null);

  let layout = computeLayout(columns, rows, counts);
  const actionInWide = layout.mode === 'wide' && latestRun !== null && detail === 'none';
  let actionHeight = 0;
  if (layout.mode === 'wide' && actionInWide) {
    const split = splitSessions(layout.sessionsHeight);
    actionHeight = split.action;
    layout = { ...layout, sessionsHeight: split.sessions, sessionRows: Math.max(0, split.sessions - PANE_CHROME - 1) };
  }
  const limits: Limits = {
    hosts: hostOrder.length,
    gpuScrollMax: Math.max(0, counts.gpuLines - layout.gpuRows),
    sessionScrollMax: Math.max(0, counts.sessionLines - layout.sessionRows),
    helpScrollMax: Math.max(0, HELP_LINE_COUNT - helpRows(rows)),
    sessions: sessions?.length ?? 0,
  };
  const runTabShown = layout.mode === 'narrow' && runTab;
  /** Whether the latest run's output is on screen (Esc then cancels it). */
  const actionShown = latestRun !== null && detail === 'none' && (actionInWide || runTabShown);
  const shown = useRef({ actionShown, latestRun, mode: layout.mode, sessions });
  shown.current = { actionShown, latestRun, mode: layout.mode, sessions };

  const closeLog = () => {
    openLog.current.token++;
    openLog.current.close?.();
    openLog.current.close = null;
    setLog(null);
  };
  const closeDetail = () => {
    if (detailRef.current === 'log') closeLog();
    setDetail('none');
  };
  useEffect(
    () => () => {
      openLog.current.token++;
      openLog.current.close?.();
    },
    [],
  );
  const selectedAlias = () => hostOrder[Math.max(0, Math.min(current.current.selected, hostOrder.length - 1))];
  /** The Sessions pane's selection, while it has focus. */
  const selectedSession = (): string | undefined => (current.current.focus === 'sessions' ? shown.current.sessions?.[current.current.sessionCursor]?.name : undefined);

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
    closeOverlay: () => {
      if (current.current.help) return apply({ type: 'closeOverlay' });
      if (detailRef.current !== 'none') return closeDetail();
      const { actionShown: onScreen, latestRun: run } = shown.current;
      if (onScreen && run && run.status === 'running' && run.cancellable) return services.actions?.cancel(run.runId);
      if (runTabRef.current) setRunTab(false);
    },
    runAction: (id: ActionId) => {
      const host = selectedAlias();
      const def = findAction(id);
      if (!services.actions) return setNotice('actions are not available here');
      if (host === undefined || !def) return;
      const session = selectedSession();
      if (def.needs.session && !session) return setNotice(`${def.title}: select a session (3, j/k) first`);
      closeDetail();
      setRunTab(true);
      services.actions.start(id, { host, session: session ?? null });
    },
    toggleLog: () => {
      if (detailRef.current === 'log') return closeDetail();
      const host = selectedAlias();
      if (!services.openLog || host === undefined) return setNotice('logs are not available here');
      const session = selectedSession();
      if (!session) return setNotice('log: select a session (3, j/k) first');
      closeDetail();
      setDetail('log');
      setRunTab(true);
      setLog({ alias: host, session, opened: null });
      const token = ++openLog.current.token;
      void services.openLog(host, session).then(
        (opened) => {
          if (token !== openLog.current.token) {
            if ('tail' in opened) opened.close();
            return;
          }
          if ('tail' in opened) openLog.current.close = opened.close;
          setLog({ alias: host, session, opened });
        },
        (error: Error) => token === openLog.current.token && setLog({ alias: host, session, opened: { error: error.message } }),
      );
    },
    toggleWatchdog: () => {
      if (detailRef.current === 'watchdog') return closeDetail();
      const host = selectedAlias();
      const wd = services.watchdog;
      if (!wd || host === undefined) return setNotice('the watchdog is not available here');
      closeDetail();
      setDetail('watchdog');
      setRunTab(true);
      wd.markSeen(host);
      void wd.pollNow(host).then(() => detailRef.current === 'watchdog' && wd.markSeen(host));
    },
  };
  const leaveRunTab = () => {
    if (shown.current.mode === 'narrow' && runTabRef.current) {
      closeDetail();
      setRunTab(false);
    }
  };
  const paneView: ViewCommands = {
    ...view,
    cyclePane: (delta) => {
      leaveRunTab();
      view.cyclePane(delta);
    },
    focusPane: (pane) => {
      leaveRunTab();
      view.focusPane(pane);
    },
  };

  const { exit, suspendTerminal } = useApp();
  useEffect(() => {
    if (!services.bindTerminal) return;
    services.bindTerminal((fn) => suspendTerminal(fn));
    return () => services.bindTerminal?.(null);
  }, [services, suspendTerminal]);
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

  const onKey = (input: string, key: Key) => {
    services.watchdog?.dismissBanner();
    setNotice(null);
    // Keys typed faster than the link delivers them arrive as one chunk ("jj"): take them one by one.
    const presses = input.length > 1 && !key.ctrl && !key.meta ? [...input].map((ch) => [ch, { ...key, shift: /[A-Z]/.test(ch) }] as const) : [[input, key] as const];
    for (const [ch, k] of presses) {
      const binding = findBinding(ch, k);
      if (!binding || (current.current.help && !binding.inOverlay) || quittingRef.current) continue;
      binding.run({ controller, alias: selectedAlias(), view: paneView, quit });
    }
  };

  const logShown = detail === 'log' && log !== null && (layout.mode === 'wide' || runTabShown);
  const tail = log?.opened && 'tail' in log.opened ? log.opened : null;
  /** The log pane reads the keys first; what it does not use comes back to dispatch. */
  const logKeys = logShown && tail !== null && !ui.help && prompt === null && question === null;
  useInput(onKey, { isActive: prompt === null && question === null && !logKeys });

  const scroll = {
    gpu: Math.min(ui.gpuScroll, limits.gpuScrollMax),
    sessions: Math.min(ui.sessionScroll, limits.sessionScrollMax),
  };

  const detailProps: Omit<DetailProps, 'alias'> = { detail, log, logKeys, onUnusedKey: onKey };
  let body: React.ReactNode;
  if (prompt) {
    body = (
      <Box flexGrow={1} flexShrink={1} alignItems="center" justifyContent="center" overflow="hidden">
        <PassphrasePrompt key={prompt.id} prompt={prompt} controller={controller} width={columns} onQuit={quit} />
      </Box>
    );
  } else if (question) {
    body = (
      <Box flexGrow={1} flexShrink={1} alignItems="center" justifyContent="center" overflow="hidden">
        <QuestionModal key={question.id} pending={question} width={columns} height={Math.max(0, rows - 2)} onAnswer={(id, value) => services.actions?.answer(id, value)} />
      </Box>
    );
  } else if (ui.help) {
    return (
      <Box width={columns} height={rows} overflow="hidden" flexDirection="column">
        <HelpOverlay width={columns} height={rows} scroll={Math.min(ui.helpScroll, limits.helpScrollMax)} />
      </Box>
    );
  } else if (layout.mode === 'wide') {
    body = <WideBody layout={layout} ui={ui} selected={selected} alias={alias} scroll={scroll} actionHeight={actionHeight} {...detailProps} />;
  } else {
    body = <NarrowBody layout={layout} ui={ui} selected={selected} alias={alias} scroll={scroll} runTab={runTabShown} banner={banner?.text ?? null} {...detailProps} />;
  }

  const runTabLabel = layout.mode === 'narrow' && (runTabShown || latestRun !== null) ? (detail === 'log' ? 'Log' : detail === 'watchdog' ? 'Alerts' : 'Run') : undefined;
  return (
    <Box width={columns} height={rows} overflow="hidden" flexDirection="column">
      {layout.mode === 'wide' ? <Header width={columns} /> : <TabBar active={runTabShown ? null : ui.focus} width={columns} extraTab={runTabLabel} />}
      {body}
      <Footer width={columns} quitting={quitting} prompting={prompt !== null} message={question ? 'answer the question above' : notice} />
    </Box>
  );
}

interface DetailProps {
  alias: string | undefined;
  detail: DetailView;
  log: LogState | null;
  /** The log pane has the keyboard. */
  logKeys: boolean;
  onUnusedKey(input: string, key: Key): void;
}

/** The log (with its chart when there is room) or the watchdog, in a width x height box. */
function DetailContent({ alias, detail, log, logKeys, onUnusedKey, width, height, chart }: DetailProps & { width: number; height: number; chart: boolean }) {
  if (detail === 'watchdog') return <WatchdogPane alias={alias} width={width} height={height} />;
  if (!log) return null;
  const opened = log.opened;
  if (opened === null || 'error' in opened) {
    return (
      <Box flexDirection="column" width={width} height={height} overflow="hidden" flexShrink={0}>
        <Line width={width} tone={opened ? 'warn' : 'muted'}>
          {opened ? opened.error : `reading the run manifest of ${log.session}…`}
        </Line>
        <Line width={width} tone="muted">
          Esc or l closes
        </Line>
      </Box>
    );
  }
  const title = `${log.alias} ${log.session}`;
  if (chart && width >= 100) {
    const chartWidth = Math.min(60, Math.floor(width * 0.4));
    return (
      <Box flexDirection="row" width={width} height={height} overflow="hidden" flexShrink={0}>
        <LogPane tail={opened.tail} width={width - chartWidth - 1} height={height} title={title} isActive={logKeys} onUnusedKey={onUnusedKey} />
        <Box width={1} flexShrink={0} />
        <LossChart metrics={opened.metrics} width={chartWidth} height={Math.min(height, 16)} isActive={logKeys} />
      </Box>
    );
  }
  if (chart && height >= 24) {
    const chartHeight = 10;
    return (
      <Box flexDirection="column" width={width} height={height} overflow="hidden" flexShrink={0}>
        <LogPane tail={opened.tail} width={width} height={height - chartHeight} title={title} isActive={logKeys} onUnusedKey={onUnusedKey} />
        <LossChart metrics={opened.metrics} width={width} height={chartHeight} isActive={logKeys} />
      </Box>
    );
  }
  return <LogPane tail={opened.tail} width={width} height={height} title={title} isActive={logKeys} onUnusedKey={onUnusedKey} />;
}

interface BodyProps extends DetailProps {
  layout: Layout;
  ui: UiState;
  selected: number;
  scroll: { gpu: number; sessions: number };
}

function WideBody({ layout, ui, selected, alias, scroll, actionHeight, ...detail }: BodyProps & { actionHeight: number }) {
  if (layout.mode !== 'wide') return null;
  const inner = layout.detailWidth - 2;
  const cursor = ui.focus === 'sessions' ? ui.sessionCursor : undefined;
  if (detail.detail !== 'none') {
    const title = detail.detail === 'log' ? `Log · ${detail.log?.alias ?? ''} ${detail.log?.session ?? ''}` : `Watchdog · ${alias ?? ''}`;
    return (
      <Box flexDirection="row" height={layout.bodyHeight} overflow="hidden" flexShrink={0}>
        <PaneFrame title="Hosts" focused={ui.focus === 'hosts'} width={layout.hostsWidth} height={layout.bodyHeight} bordered>
          <HostList width={layout.hostsWidth - 2} visible={layout.hostRows} selected={selected} focused={ui.focus === 'hosts'} />
        </PaneFrame>
        <PaneFrame title={title} focused width={layout.detailWidth} height={layout.bodyHeight} bordered>
          <DetailContent alias={alias} {...detail} width={inner} height={Math.max(0, layout.bodyHeight - PANE_CHROME)} chart />
        </PaneFrame>
      </Box>
    );
  }
  return (
    <Box flexDirection="row" height={layout.bodyHeight} overflow="hidden" flexShrink={0}>
      <PaneFrame title="Hosts" focused={ui.focus === 'hosts'} width={layout.hostsWidth} height={layout.bodyHeight} bordered>
        <HostList width={layout.hostsWidth - 2} visible={layout.hostRows} selected={selected} focused={ui.focus === 'hosts'} />
      </PaneFrame>
      <Box flexDirection="column" width={layout.detailWidth} height={layout.bodyHeight} overflow="hidden" flexShrink={0}>
        <PaneFrame title={<GpuTitle alias={alias} />} focused={ui.focus === 'gpus'} width={layout.detailWidth} height={layout.gpuHeight} bordered>
          {alias !== undefined && <GpuPane alias={alias} width={inner} visible={layout.gpuRows} scroll={scroll.gpu} />}
        </PaneFrame>
        {layout.sessionsHeight > 0 && (
          <PaneFrame title={<SessionsTitle alias={alias} />} focused={ui.focus === 'sessions'} width={layout.detailWidth} height={layout.sessionsHeight} bordered>
            {alias !== undefined && <SessionsPane alias={alias} width={inner} visible={layout.sessionRows} scroll={scroll.sessions} cursor={cursor} />}
          </PaneFrame>
        )}
        {actionHeight > 0 && (
          <PaneFrame title="Action" focused={false} width={layout.detailWidth} height={actionHeight} bordered>
            <ActionPane alias={alias} width={inner} height={Math.max(0, actionHeight - PANE_CHROME)} />
          </PaneFrame>
        )}
      </Box>
    </Box>
  );
}

function NarrowBody({ layout, ui, selected, alias, scroll, runTab, banner, ...detail }: BodyProps & { runTab: boolean; banner: string | null }) {
  const width = layout.columns;
  const order = useTrainyard((s) => s.hostOrder);
  const hostColumns = useMemo(() => planHostColumns(width, longestAlias(order)), [width, order]);
  if (runTab) {
    return (
      <>
        {banner !== null ? (
          <Line width={width} tone="bad">
            {banner}
          </Line>
        ) : alias === undefined ? (
          <HostListHeader width={width} />
        ) : (
          <HostRow alias={alias} selected focused={false} columns={hostColumns} width={width} />
        )}
        <PaneFrame focused width={width} height={layout.bodyHeight} bordered={false}>
          {detail.detail === 'none' ? <ActionPane alias={alias} width={width} height={layout.bodyHeight} /> : <DetailContent alias={alias} {...detail} width={width} height={layout.bodyHeight} chart={false} />}
        </PaneFrame>
      </>
    );
  }
  return (
    <>
      {banner !== null ? (
        <Line width={width} tone="bad">
          {banner}
        </Line>
      ) : ui.focus === 'hosts' || alias === undefined ? (
        <HostListHeader width={width} />
      ) : (
        <HostRow alias={alias} selected focused={false} columns={hostColumns} width={width} />
      )}
      <PaneFrame focused width={width} height={layout.bodyHeight} bordered={false}>
        {ui.focus === 'hosts' && <HostList width={width} visible={layout.hostRows} selected={selected} focused />}
        {ui.focus === 'gpus' && alias !== undefined && <GpuPane alias={alias} width={width} visible={layout.gpuRows} scroll={scroll.gpu} />}
        {ui.focus === 'sessions' && alias !== undefined && <SessionsPane alias={alias} width={width} visible={layout.sessionRows} scroll={scroll.sessions} cursor={ui.sessionCursor} />}
      </PaneFrame>
    </>
  );
}
