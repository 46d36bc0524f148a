/**
 * What an API key may do: a small closed set of scopes, chosen when the key is made. A signed-in
 * session keeps every right of its role; a key only the routes its scopes name, and the owner's
 * role still applies (a user's key with `admin` reaches no admin route). The server checks them,
 * the SDK types them: one list, both sides.
 *
 * - `models:call`: `POST /v1/chat/completions`, `/v1/messages` (and `count_tokens`), `/v1/embeddings`,
 *   `/v1/responses` (and its stored responses), the WebSocket.
 * - `models:read`: `GET /v1/models`, `GET /v1/models/{id}`, `GET /api/v1/models`.
 * - `credits:read`: `GET /api/v1/credits`, `/credits/transactions`.
 * - `usage:read`: `GET /api/v1/usage`.
 * - `profile:read`: `GET /api/v1/me`.
 * - `keys:manage`: list, create and revoke the keys this key made (a provisioning key); each is
 *   never wider than its creator on any axis, and revoking a key revokes the keys it made.
 * - `admin`: the `/api/v1/admin/*` routes the owner's role allows (a host backend's key).
 *
 * Everything else (profile changes, password, sessions, payments, notifications, and keys made
 * by a session) takes a signed-in session.
 */
export const API_KEY_SCOPES = [
  'models:call',
  'models:read',
  'credits:read',
  'usage:read',
  'profile:read',
  'keys:manage',
  'admin',
] as const;

export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** A new key's scopes when the request names none: call models, read credits, usage and models. */
export const DEFAULT_API_KEY_SCOPES: readonly ApiKeyScope[] = [
  'models:call',
  'models:read',
  'credits:read',
  'usage:read',
];
