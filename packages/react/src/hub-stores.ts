import type { CreditBalance, HubClient, ModelInfo, NotificationPage } from '@smart-ai-hub/sdk';
import { type AuthStore, createAuthStore } from './auth-store.js';
import { followSession } from './follow-session.js';
import { followLiveNotifications, withLiveNotification } from './live-notifications.js';
import { createQueryStore, type QueryStore } from './query-store.js';

/** The state one {@link HubProvider} shares between every hook under it. */
export interface HubStores {
  auth: AuthStore;
  credits: QueryStore<CreditBalance>;
  models: QueryStore<ModelInfo[]>;
  /** The newest notifications, kept live through the hub's stream while observed. */
  notifications: QueryStore<NotificationPage>;
}

/** Makes the shared stores of one client (they connect to it only while something renders them). */
export function createHubStores(client: HubClient): HubStores {
  return {
    auth: createAuthStore(client),
    credits: createQueryStore((signal) => client.credits.balance({ signal }), followSession(client)),
    models: createQueryStore((signal) => client.models.list({ signal }), followSession(client)),
    notifications: createQueryStore(
      (signal) => client.notifications.list({ limit: 50 }, { signal }),
      (query) => {
        const stopSession = followSession(client)(query);
        const stopLive = followLiveNotifications(
          client,
          (notification) =>
            query.setState((state) => ({
              data: state.data && withLiveNotification(state.data, notification),
            })),
          // What arrived while disconnected is in the list, not the stream: fetch it again.
          () => {
            if (query.getState().data !== undefined) void query.refresh();
          },
        );
        return () => {
          stopSession();
          stopLive();
        };
      },
    ),
  };
}
