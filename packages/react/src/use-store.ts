import { useSyncExternalStore } from 'react';
import type { Store } from './store.js';

/** Renders from a {@link Store}: the component re-renders whenever the store's state changes. */
export function useStore<T>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}
