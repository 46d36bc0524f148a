import type { HubClient } from '@smart-ai-hub/sdk';
import { useEffect, useMemo } from 'react';
import { followSession } from './follow-session.js';
import { useHub } from './hub-context.js';
import { createQueryStore } from './query-store.js';
import { useStore } from './use-store.js';

export interface UseHubQueryResult<T> {
  /** The last data fetched; undefined until the first fetch succeeds. */
  data: T | undefined;
  loading: boolean;
  /** Why the last fetch failed (an SDK error class); cleared by the next success. */
  error: Error | undefined;
  /** Fetches again; resolves when done (never rejects). */
  refresh(): Promise<void>;
}

/**
 * Any SDK call as a hook, for what no dedicated hook covers (admin lists, a user's ledger):
 * fetched when first rendered and again whenever a value in `deps` changes, refetched on sign-in,
 * forgotten on sign-out. The newest fetch wins; a fetch in flight is aborted when deps change.
 *
 * @example
 * const { data: users } = useHubQuery((client, signal) => client.admin.users.list({ q }, { signal }), [q]);
 */
export function useHubQuery<T>(
  fetcher: (client: HubClient, signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
): UseHubQueryResult<T> {
  const { client } = useHub();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps say when to refetch
  const query = useMemo(
    () => createQueryStore((signal) => fetcher(client, signal), followSession(client)),
    [client, ...deps],
  );
  const { data, loading, error } = useStore(query);
  useEffect(() => query.load(), [query]);
  return { data, loading, error, refresh: query.refresh };
}
