/**
 * The cockpit: a frame exactly the terminal's size, drawn from the UI controller's state
 * (src/cockpit/cockpitUi.ts), which also takes every key. Wide screens show hosts, GPUs and
 * sessions side by side; below 60 columns one pane at a time behind a tab bar.
 */

import { Box, useApp, useInput } from 'ink';
import type React from 'react';
import { useEffect, useMemo } from 'react';
import { activeScopes } from '../src/cockpit/bindings/index.js';
import { CockpitUi } from '../src/cockpit/cockpitUi.js';
import type { CockpitController, CockpitServices } from '../src/cockpit/controller.js';
import { computeFrame, frameLimits } from '../src/cockpit/frame.js';
import { footerHints } from '../src/cockpit/help.js';
import { paneCounts } from '../src/cockpit/selectors.js';
import type { TrainyardStore } from '../src/state/store.js';
import { useLatestRun } from './ActionPane.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { ModalBody } from './ModalBody.js';
import { NarrowBody } from './NarrowBody.js';
import { ServicesContext, useActions, useWatchdog } from './servicesContext.js';
import { StoreContext, useTrainyard } from './storeContext.js';
import { TabBar } from './TabBar.js';
import { colorsDisabled, createTheme, ThemeContext } from './theme.js';
import { UiContext, useCockpitUi, useUi } from './uiContext.js';
import { useShallow } from './useShallow.js';
import { useTerminalSize } from './useTerminalSize.js';
import { WideBody } from './WideBody.js';

export { SHUTDOWN_TIMEOUT_MS } from '../src/cockpit/cockpitUi.js';

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
  const ui = useMemo(() => new CockpitUi(store, controller, services ?? NO_SERVICES), [store, controller, services]);
  useEffect(() => () => ui.dispose(), [ui]);
  return (
    <StoreContext.Provider value={store}>
      <ServicesContext.Provider value={services ?? NO_SERVICES}>
        <UiContext.Provider value={ui}>
          <ThemeContext.Provider value={theme}>
            <Cockpit />
          </ThemeContext.Provider>
        </UiContext.Provider>
      </ServicesContext.Provider>
    </StoreContext.Provider>
  );
}

/** Hands Ink's exit and suspendTerminal to the controller and the services, and every key to the controller. */
function useTerminalBindings(ui: CockpitUi) {
  const { exit, suspendTerminal } = useApp();
  useEffect(() => ui.bindExit(exit), [ui, exit]);
  useEffect(() => {
    const bind = ui.services.bindTerminal;
    if (!bind) return;
    bind((fn) => suspendTerminal(fn));
    return () => bind(null);
  }, [ui, suspendTerminal]);
  useInput((input, key) => ui.press(input, key));
}

function Cockpit() {
  const ui = useCockpitUi();
  useTerminalBindings(ui);
  const { columns, rows } = useTerminalSize();
  ui.setViewport(columns, rows);
  const s = useUi(
    useShallow((st) => ({
      focus: st.focus,
      selected: st.selected,
      gpuScroll: st.gpuScroll,
      sessionScroll: st.sessionScroll,
      help: st.help,
      detail: st.detail,
      runTab: st.runTab,
      actionFocus: st.actionFocus,
      notice: st.notice,
      quitting: st.quitting,
    })),
  );
  const hostOrder = useTrainyard((st) => st.hostOrder);
  const prompt = useTrainyard((st) => st.prompt);
  const question = useActions((st) => st.question);
  const selected = Math.max(0, Math.min(s.selected, hostOrder.length - 1));
  const alias: string | undefined = hostOrder[selected];
  const counts = useTrainyard(useShallow((st) => paneCounts(alias === undefined ? undefined : st.hosts[alias])));
  const latestRun = useLatestRun(alias);
  const banner = useWatchdog((st) => st.banner);
  const frame = computeFrame({
    columns,
    rows,
    counts,
    detail: s.detail,
    runTab: s.runTab,
    hasRun: latestRun !== null,
    actionFocus: s.actionFocus,
  });
  // Re-read on every frame: which keys apply follows focus, overlays and the selection.
  const hints = footerHints(activeScopes(ui), columns);
  const limits = frameLimits(frame, counts, hostOrder.length, 0, 0);
  const scroll = {
    gpu: Math.min(s.gpuScroll, limits.gpuScrollMax),
    sessions: Math.min(s.sessionScroll, limits.sessionScrollMax),
  };

  if (s.help && !prompt && !question) {
    return (
      <Box width={columns} height={rows} overflow="hidden" flexDirection="column">
        <HelpOverlay width={columns} height={rows} />
      </Box>
    );
  }
  let body: React.ReactNode;
  if (prompt || question) body = <ModalBody columns={columns} rows={rows} />;
  else if (frame.layout.mode === 'wide')
    body = <WideBody frame={frame} alias={alias} selected={selected} scroll={scroll} />;
  else
    body = <NarrowBody frame={frame} alias={alias} selected={selected} scroll={scroll} banner={banner?.text ?? null} />;

  const runTabLabel =
    frame.layout.mode === 'narrow' && (frame.runTabShown || latestRun !== null)
      ? s.detail === 'log'
        ? 'Log'
        : s.detail === 'watchdog'
          ? 'Alerts'
          : s.detail === 'runs'
            ? 'Runs'
            : 'Run'
      : undefined;
  return (
    <Box width={columns} height={rows} overflow="hidden" flexDirection="column">
      {frame.layout.mode === 'wide' ? (
        <Header width={columns} />
      ) : (
        <TabBar active={frame.runTabShown ? null : s.focus} width={columns} extraTab={runTabLabel} />
      )}
      {body}
      <Footer
        width={columns}
        quitting={s.quitting}
        prompting={prompt !== null}
        message={question ? 'answer the question above' : s.notice}
        hints={hints}
      />
    </Box>
  );
}
