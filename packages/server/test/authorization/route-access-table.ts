import { randomUUID } from 'node:crypto';
import type { ApiKeyScope } from '@smart-ai-hub/sdk';
import type { Role } from '../../src/domains/auth/principal.js';
import { recordCheckoutSession } from '../../src/domains/credits/payments/checkout-sessions.js';
import type { TestUser } from '../support/auth-fixtures.js';
import type { TestHub } from '../support/test-hub.js';

/**
 * Who may call a route: `public` (anyone, signed in or not), `signed-in` (every role), or the
 * list of roles allowed (others get 403).
 */
export type RouteAccessLevel = 'public' | 'signed-in' | readonly Role[];

const ADMIN: readonly Role[] = ['admin'];
const STAFF: readonly Role[] = ['admin', 'moderator'];
/** Roles holding `write:credits` (buying credits). */
const BUYERS: readonly Role[] = ['admin', 'user'];

/**
 * Which API keys may call a route: those holding the scope, or none (`session-only`: managing
 * profile, password, sessions, payments, notifications). It must match the route's declared
 * `config.apiKeyScope` (the test reads both).
 */
export type ApiKeyAccess = ApiKeyScope | 'session-only';

/**
 * One route of the hub and who may call it. The authorization test sends every route a request
 * as anonymous, user, moderator, admin and "another user" (signed-in sessions), and as API keys
 * holding one scope each or the default scopes, and derives the expected status: 401 for
 * anonymous on a non-public route, 403 for a role not in the list or a key without the route's
 * scope, 404 for anyone but the owner's session on an `ownResource` route, and otherwise anything
 * but 401/403/500 (the request got past authorization; 400 for a missing body is fine). A route
 * the hub registers without an entry here fails the test: add one line when you add a route.
 */
export type RouteAccess = PublicRoute | GuardedRoute;

interface RouteBase {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As registered, with `:params`. */
  url: string;
  /**
   * A body that passes validation, for routes that check authorization after validation
   * (a `preHandler` guard); without one, such a route answers anonymous callers 400.
   */
  body?: unknown;
  /** Query string to send (without `?`). */
  query?: string;
}

interface PublicRoute extends RouteBase {
  access: 'public';
  /** A route that authenticates inside its protocol (the WebSocket): the scope a key needs there. */
  apiKey?: ApiKeyScope;
}

interface GuardedRoute extends RouteBase {
  access: Exclude<RouteAccessLevel, 'public'>;
  apiKey: ApiKeyAccess;
  /**
   * For routes on the caller's own objects: makes a fresh object owned by `owner` and returns the
   * URL params naming it. Everyone else must then get 404 (never 403: no hint that it exists),
   * the owner's keys too (a `keys:manage` key sees only the keys it made).
   */
  ownResource?: (t: TestHub, owner: TestUser) => Promise<Record<string, string>>;
}

const chatBody = { model: 'mock', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 };

const SESSION = 'session-only';

export const routeAccessTable: RouteAccess[] = [
  // Ops.
  { method: 'GET', url: '/healthz', access: 'public' },
  { method: 'GET', url: '/readyz', access: 'public' },
  { method: 'GET', url: '/metrics', access: 'public' },
  { method: 'GET', url: '/docs', access: 'public' },

  // Auth (domains/auth).
  { method: 'POST', url: '/api/v1/auth/register', access: 'public' },
  { method: 'POST', url: '/api/v1/auth/login', access: 'public' },
  { method: 'POST', url: '/api/v1/auth/refresh', access: 'public' },
  { method: 'POST', url: '/api/v1/auth/logout', access: 'public' },
  { method: 'POST', url: '/api/v1/auth/verify-email', access: 'public' },
  { method: 'POST', url: '/api/v1/auth/forgot-password', access: 'public' },
  { method: 'POST', url: '/api/v1/auth/reset-password', access: 'public' },
  { method: 'GET', url: '/api/v1/auth/oauth', access: 'public' },
  { method: 'GET', url: '/api/v1/auth/oauth/:provider', access: 'public' },
  { method: 'GET', url: '/api/v1/auth/oauth/:provider/callback', access: 'public' },

  // Me (domains/auth).
  { method: 'GET', url: '/api/v1/me', access: 'signed-in', apiKey: 'profile:read' },
  { method: 'PATCH', url: '/api/v1/me', access: 'signed-in', apiKey: SESSION },
  { method: 'POST', url: '/api/v1/me/password', access: 'signed-in', apiKey: SESSION },
  { method: 'POST', url: '/api/v1/me/verify-email', access: 'signed-in', apiKey: SESSION },
  { method: 'GET', url: '/api/v1/me/sessions', access: 'signed-in', apiKey: SESSION },
  {
    method: 'DELETE',
    url: '/api/v1/me/sessions/:id',
    access: 'signed-in',
    apiKey: SESSION,
    ownResource: async (t, owner) => {
      const { accessToken } = await t.hub.services.auth.issueTokens(owner.user, { userAgent: 'table' });
      return { id: (await t.hub.services.accessTokens.verify(accessToken))!.sessionId! };
    },
  },

  // API keys (domains/auth).
  { method: 'GET', url: '/api/v1/api-keys', access: 'signed-in', apiKey: 'keys:manage' },
  { method: 'POST', url: '/api/v1/api-keys', access: 'signed-in', apiKey: 'keys:manage' },
  {
    method: 'DELETE',
    url: '/api/v1/api-keys/:id',
    access: 'signed-in',
    apiKey: 'keys:manage',
    ownResource: async (t, owner) => ({
      id: (await t.hub.services.apiKeys.create(owner.user.id, { name: 'table' })).row.id,
    }),
  },

  // Admin users (domains/accounts).
  { method: 'GET', url: '/api/v1/admin/users', access: STAFF, apiKey: 'admin' },
  { method: 'POST', url: '/api/v1/admin/users', access: ADMIN, apiKey: 'admin' },
  { method: 'GET', url: '/api/v1/admin/users/:id', access: STAFF, apiKey: 'admin' },
  { method: 'PATCH', url: '/api/v1/admin/users/:id', access: ADMIN, apiKey: 'admin' },
  { method: 'POST', url: '/api/v1/admin/users/:id/tokens', access: ADMIN, apiKey: 'admin' },
  { method: 'GET', url: '/api/v1/admin/users/:id/api-keys', access: STAFF, apiKey: 'admin' },
  { method: 'GET', url: '/api/v1/admin/users/:id/credits', access: STAFF, apiKey: 'admin' },
  { method: 'GET', url: '/api/v1/admin/users/:id/credits/transactions', access: STAFF, apiKey: 'admin' },

  // Credits (domains/credits).
  { method: 'GET', url: '/api/v1/credits', access: 'signed-in', apiKey: 'credits:read' },
  { method: 'GET', url: '/api/v1/credits/transactions', access: 'signed-in', apiKey: 'credits:read' },
  { method: 'GET', url: '/api/v1/credits/packages', access: 'public' },
  { method: 'POST', url: '/api/v1/credits/checkout', access: BUYERS, apiKey: SESSION },
  {
    method: 'GET',
    url: '/api/v1/credits/checkout/:id',
    access: 'signed-in',
    apiKey: SESSION,
    ownResource: async (t, owner) => {
      const id = `cs_table_${randomUUID()}`;
      await recordCheckoutSession(t.hub.db, {
        id,
        provider: 'stripe',
        userId: owner.user.id,
        packageId: 'table',
        credits: 1,
        price: 100,
        currency: 'usd',
      });
      return { id };
    },
  },
  { method: 'POST', url: '/api/v1/webhooks/stripe', access: 'public' },
  // The role check runs in the handler, after validation: a valid body reaches it.
  {
    method: 'POST',
    url: '/api/v1/admin/users/:id/credits',
    access: ADMIN,
    apiKey: 'admin',
    body: { amount: 1 },
  },

  // Models (domains/models).
  { method: 'GET', url: '/api/v1/models', access: 'signed-in', apiKey: 'models:read' },
  { method: 'GET', url: '/v1/models', access: 'signed-in', apiKey: 'models:read' },
  { method: 'GET', url: '/v1/models/:id', access: 'signed-in', apiKey: 'models:read' },
  { method: 'POST', url: '/v1/chat/completions', access: 'signed-in', apiKey: 'models:call', body: chatBody },
  {
    method: 'POST',
    url: '/v1/messages',
    access: 'signed-in',
    apiKey: 'models:call',
    body: { ...chatBody, max_tokens: 5 },
  },
  {
    method: 'POST',
    url: '/v1/messages/count_tokens',
    access: 'signed-in',
    apiKey: 'models:call',
    body: { model: 'mock', messages: chatBody.messages },
  },
  {
    method: 'POST',
    url: '/v1/responses',
    access: 'signed-in',
    apiKey: 'models:call',
    body: { model: 'mock', input: 'hi', max_output_tokens: 5, store: false },
  },
  // Stored responses are the owner's (another user's id is a 404, proven by the responses tests);
  // the owner's keys with `models:call` reach them too, so they are no session-only own resource.
  { method: 'GET', url: '/v1/responses/:id', access: 'signed-in', apiKey: 'models:call' },
  { method: 'DELETE', url: '/v1/responses/:id', access: 'signed-in', apiKey: 'models:call' },
  { method: 'GET', url: '/v1/responses/:id/input_items', access: 'signed-in', apiKey: 'models:call' },
  {
    method: 'POST',
    url: '/v1/embeddings',
    access: 'signed-in',
    apiKey: 'models:call',
    body: { model: 'mock-embedding', input: 'hi' },
  },
  { method: 'GET', url: '/api/v1/usage', access: 'signed-in', apiKey: 'usage:read' },
  { method: 'GET', url: '/api/v1/admin/usage', access: STAFF, apiKey: 'admin' },
  { method: 'GET', url: '/api/v1/admin/providers', access: ADMIN, apiKey: 'admin' },
  // Authenticates inside the protocol (Authorization, ?token= or a first `auth` message), proven by
  // the models domain's WebSocket tests and the key scope tests; a plain GET without upgrade
  // answers 404.
  { method: 'GET', url: '/api/v1/ws', access: 'public', apiKey: 'models:call' },

  // Notifications (domains/notifications).
  { method: 'GET', url: '/api/v1/notifications', access: 'signed-in', apiKey: SESSION },
  {
    method: 'POST',
    url: '/api/v1/notifications/:id/read',
    access: 'signed-in',
    apiKey: SESSION,
    ownResource: async (t, owner) => {
      const event = {
        id: `table-${Math.random()}`,
        type: 'payment.succeeded',
        data: { userId: owner.user.id, paymentId: 'pi_table', credits: 1 },
        deliveries: 1,
      };
      await t.hub.services.notifications.handleEvent(event, `table/${event.id}`);
      const page = await t.hub.services.notifications.list(owner.user.id, { limit: 1 });
      return { id: page.data[0]!.id };
    },
  },
  { method: 'GET', url: '/api/v1/notifications/preferences', access: 'signed-in', apiKey: SESSION },
  { method: 'PUT', url: '/api/v1/notifications/preferences', access: 'signed-in', apiKey: SESSION, body: {} },
  // Without `Accept: text/event-stream` a signed-in caller gets 406 (so the table's inject ends);
  // the live stream itself is proven by the notifications domain's SSE tests.
  { method: 'GET', url: '/api/v1/notifications/stream', access: 'signed-in', apiKey: SESSION },

  // Audit (domains/audit).
  { method: 'GET', url: '/api/v1/admin/audit', access: ADMIN, apiKey: 'admin' },
  { method: 'GET', url: '/api/v1/me/security-events', access: 'signed-in', apiKey: SESSION },

  // Outbound webhooks (domains/webhooks): admins only; unknown ids answer 404 past authorization.
  { method: 'POST', url: '/api/v1/admin/webhooks', access: ADMIN, apiKey: 'admin' },
  { method: 'GET', url: '/api/v1/admin/webhooks', access: ADMIN, apiKey: 'admin' },
  { method: 'GET', url: '/api/v1/admin/webhooks/:id', access: ADMIN, apiKey: 'admin' },
  { method: 'PATCH', url: '/api/v1/admin/webhooks/:id', access: ADMIN, apiKey: 'admin' },
  { method: 'DELETE', url: '/api/v1/admin/webhooks/:id', access: ADMIN, apiKey: 'admin' },
  { method: 'POST', url: '/api/v1/admin/webhooks/:id/rotate-secret', access: ADMIN, apiKey: 'admin' },
  { method: 'GET', url: '/api/v1/admin/webhooks/:id/deliveries', access: ADMIN, apiKey: 'admin' },
  { method: 'GET', url: '/api/v1/admin/webhooks/:id/deliveries/:deliveryId', access: ADMIN, apiKey: 'admin' },
  {
    method: 'POST',
    url: '/api/v1/admin/webhooks/:id/deliveries/:deliveryId/resend',
    access: ADMIN,
    apiKey: 'admin',
  },
];
