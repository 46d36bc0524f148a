import { createStore, type Store } from './store.js';

/** The state of data fetched from the hub. */
export interface QueryState<T> {
  /** The last data fetched; undefined until the first fetch succeeds (or after a sign-out). */
  data: T | undefined;
  /** Why the last fetch failed (an SDK error class: `AuthenticationError`, ...); cleared by the next success. */
  error: Error | undefined;
  /** True while a fetch is in flight. */
  loading: boolean;
}

/** A {@link Store} of one fetch: `refresh()` fetches again, the newest fetch wins. */
export interface QueryStore<T> extends Store<QueryState<T>> {
  /** Fetches now (aborting a fetch in flight); resolves when done. Never rejects: failures land in `error`. */
  refresh(): Promise<void>;
  /** Fetches unless there is data or a fetch in flight: what a hook calls when it mounts. */
  load(): void;
  /** Forgets the data and error (e.g. on sign-out) and drops any fetch in flight. */
  reset(): void;
}

/**
 * Makes a query store over `fetcher` (which should pass `signal` to the SDK call). `watch` runs
 * while the store is observed, with the store, e.g. to refetch on sign-in.
 */
export function createQueryStore<T>(
  fetcher: (signal: AbortSignal) => Promise<T>,
  watch?: (query: QueryStore<T>) => () => void,
): QueryStore<T> {
  let inFlight: AbortController | undefined;
  const store = createStore<QueryState<T>>(
    { data: undefined, error: undefined, loading: false },
    watch && (() => watch(query)),
  );
  const query: QueryStore<T> = {
    ...store,
    async refresh() {
      inFlight?.abort();
      const controller = new AbortController();
      inFlight = controller;
      store.setState({ loading: true });
      try {
        const data = await fetcher(controller.signal);
        if (inFlight === controller) store.setState({ data, error: undefined, loading: false });
      } catch (error) {
        if (inFlight === controller) store.setState({ error: asError(error), loading: false });
      } finally {
        if (inFlight === controller) inFlight = undefined;
      }
    },
    load() {
      const { data, loading } = store.getState();
      if (data === undefined && !loading) void query.refresh();
    },
    reset() {
      inFlight?.abort();
      inFlight = undefined;
      store.setState({ data: undefined, error: undefined, loading: false });
    },
  };
  return query;
}

/** Whatever was thrown, as an Error. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
