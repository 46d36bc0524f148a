import type { HubClient } from '@smart-ai-hub/sdk';
import type { QueryStore } from './query-store.js';

/**
 * Keeps a query about the signed-in user in step with the session: refetches on sign-in and
 * forgets the data on sign-out. Pass as the `watch` of {@link createQueryStore}.
 */
export function followSession(client: HubClient) {
  return <T>(query: QueryStore<T>): (() => void) =>
    client.auth.onAuthStateChange((event) => {
      if (event === 'SIGNED_IN') void query.refresh();
      else if (event === 'SIGNED_OUT') query.reset();
    });
}
