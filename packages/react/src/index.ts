export type { AuthState, AuthStatus, AuthStore } from './auth-store.js';
export {
  Chat,
  type ChatFinish,
  type ChatInit,
  type ChatSettings,
  type ChatState,
  type ChatStatus,
} from './chat.js';
export type { UIMessage, UIMessageInput } from './chat-message.js';
export { HubProvider, type HubProviderProps, useHubClient } from './hub-context.js';
export type { QueryState, QueryStore } from './query-store.js';
export { createStore, type Store } from './store.js';
export { type UseApiKeysResult, useApiKeys } from './use-api-keys.js';
export { type UseAuthResult, useAuth } from './use-auth.js';
export { type UseChatOptions, type UseChatResult, useChat } from './use-chat.js';
export { type UseCreditsResult, useCredits } from './use-credits.js';
export { type UseHubQueryResult, useHubQuery } from './use-hub-query.js';
export { type UseModelsResult, useModels } from './use-models.js';
export { type UseNotificationsResult, useNotifications } from './use-notifications.js';
export { type UseSessionsResult, useSessions } from './use-sessions.js';
export { type UsageRange, type UseUsageResult, useUsage } from './use-usage.js';
