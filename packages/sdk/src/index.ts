export type { AuthEvent, AuthSession, AuthStateListener } from './auth/auth-session.js';
export { localStorageTokenStore, memoryTokenStore, type TokenStore } from './auth/token-store.js';
export { ChatCompletionStream, type ChatFinalMessage } from './chat/chat-completion-stream.js';
export type { ChatCompletionCreateParams, ChatCompletionStreamParams } from './chat/completions.js';
export type { HubClientOptions } from './client/client-options.js';
// The client (SDK engineer's area below; the wire exports above belong to each domain).
export { HubClient } from './client/hub-client.js';
export * from './core/errors.js';
export { type CursorPage, PageIterator } from './core/page-iterator.js';
export type { RequestOptions } from './core/request-options.js';
export { Stream } from './core/stream.js';
export type { NotificationInfo } from './resources/notifications.js';
export type * from './wire/auth.js';
export type * from './wire/chat.js';
export type {
  AdminGrantRequest,
  AdminGrantResponse,
  CheckoutRequest,
  CheckoutResponse,
  CreditBalance,
  CreditPackageInfo,
  CreditPackageList,
  CreditTransaction,
  CreditTransactionPage,
} from './wire/credits.js';
export type * from './wire/embeddings.js';
export * from './wire/errors.js';
export type * from './wire/models.js';
export type * from './wire/usage.js';
export type * from './wire/ws.js';
