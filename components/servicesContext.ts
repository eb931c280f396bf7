/** The cockpit's optional services (actions, logs, watchdog) reach the views through context. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { CockpitServices } from '../src/cockpit/controller.js';
import type { CompareState, RunsPollState } from '../src/runs/runsPoller.js';
import { type ActionsState, createActionsStore } from '../src/state/actionsStore.js';
import type { WatchdogViewState } from '../src/watchdog/poller.js';

export const ServicesContext = createContext<CockpitServices>({});

export function useServices(): CockpitServices {
  return useContext(ServicesContext);
}

// Stand-ins so the hooks below can always subscribe (hooks may not be conditional).
const NO_ACTIONS = createActionsStore();
const NO_WATCHDOG = createStore<WatchdogViewState>()(() => ({ hosts: {}, banner: null }));

export function useActions<T>(selector: (state: ActionsState) => T): T {
  return useStore(useServices().actions?.store ?? NO_ACTIONS, selector);
}

const NO_RUNS = createStore<RunsPollState>()(() => ({ rows: [], summary: '', errors: {}, updatedAt: null }));
const NO_COMPARE = createStore<CompareState>()(() => ({ name: null, table: null, errors: [] }));

export function useRuns<T>(selector: (state: RunsPollState) => T): T {
  return useStore(useServices().runs?.store ?? NO_RUNS, selector);
}

export function useCompare<T>(selector: (state: CompareState) => T): T {
  return useStore(useServices().runs?.compareStore ?? NO_COMPARE, selector);
}

export function useWatchdog<T>(selector: (state: WatchdogViewState) => T): T {
  return useStore(useServices().watchdog?.store ?? NO_WATCHDOG, selector);
}
