import type { CreditBalance, HubClient, ModelInfo } from '@smart-ai-hub/sdk';
import { type AuthStore, createAuthStore } from './auth-store.js';
import { followSession } from './follow-session.js';
import { createQueryStore, type QueryStore } from './query-store.js';

/** The state one {@link HubProvider} shares between every hook under it. */
export interface HubStores {
  auth: AuthStore;
  credits: QueryStore<CreditBalance>;
  models: QueryStore<ModelInfo[]>;
}

/** Makes the shared stores of one client (they connect to it only while something renders them). */
export function createHubStores(client: HubClient): HubStores {
  return {
    auth: createAuthStore(client),
    credits: createQueryStore((signal) => client.credits.balance({ signal }), followSession(client)),
    models: createQueryStore((signal) => client.models.list({ signal }), followSession(client)),
  };
}
