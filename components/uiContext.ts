/** The cockpit's UI controller reaches the views through context; they read its store narrowly. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { CockpitUi, CockpitUiState } from '../src/cockpit/cockpitUi.js';

export const UiContext = createContext<CockpitUi | null>(null);

export function useCockpitUi(): CockpitUi {
  const ui = useContext(UiContext);
  if (!ui) throw new Error('useCockpitUi needs <UiContext.Provider>');
  return ui;
}

export function useUi<T>(selector: (state: CockpitUiState) => T): T {
  return useStore(useCockpitUi().store, selector);
}
