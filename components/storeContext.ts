/** The store reaches the views through context; components read it only through narrow selectors. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { TrainyardState, TrainyardStore } from '../src/state/store.js';

export const StoreContext = createContext<TrainyardStore | null>(null);

/** useStore over the cockpit's store. Wrap selectors that build objects in useShallow. */
export function useTrainyard<T>(selector: (state: TrainyardState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useTrainyard needs <StoreContext.Provider>');
  return useStore(store, selector);
}
