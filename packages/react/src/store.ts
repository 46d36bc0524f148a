/**
 * A small observable state container: the hooks' state lives here, outside React, and React only
 * subscribes (`useSyncExternalStore`). Every `setState` makes a new state object, so a snapshot
 * never changes under a render.
 */
export interface Store<T> {
  getState(): T;
  setState(update: Partial<T> | ((state: T) => Partial<T>)): void;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/**
 * Makes a store. `onObserved` runs when the first listener subscribes (connect to a source, e.g.
 * the client's auth events) and the function it returns runs when the last one leaves, so a store
 * holds no subscription while nothing renders it (and React's strict-mode remounts stay safe).
 */
export function createStore<T extends object>(initial: T, onObserved?: () => () => void): Store<T> {
  let state = initial;
  let stopObserving: (() => void) | undefined;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    setState(update) {
      state = { ...state, ...(typeof update === 'function' ? update(state) : update) };
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      if (listeners.size === 1 && onObserved) stopObserving = onObserved();
      return () => {
        if (!listeners.delete(listener) || listeners.size > 0) return;
        stopObserving?.();
        stopObserving = undefined;
      };
    },
  };
}
