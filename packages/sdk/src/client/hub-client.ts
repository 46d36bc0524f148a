import { SessionManager } from '../auth/auth-session.js';
import { defaultTokenStore } from '../auth/token-store.js';
import { Completions } from '../chat/completions.js';
import { DEFAULT_MAX_RETRY_WAIT_MS, Transport } from '../core/transport.js';
import { Admin } from '../resources/admin.js';
import { ApiKeys } from '../resources/api-keys.js';
import { Auth } from '../resources/auth.js';
import { Credits } from '../resources/credits.js';
import { Me } from '../resources/me.js';
import { Models } from '../resources/models.js';
import { Notifications } from '../resources/notifications.js';
import { Usage } from '../resources/usage.js';
import type { AuthTokens } from '../wire/auth.js';
import type { HubClientOptions } from './client-options.js';

/**
 * The Smart AI Hub client: one object per hub, with a resource per area
 * (`client.auth`, `client.credits`, `client.chat.completions`, ...). Every method takes
 * `RequestOptions` last (`signal`, `timeout`, `maxRetries`, `headers`, `idempotencyKey`).
 *
 * @example
 * const client = new HubClient({ baseURL: 'http://127.0.0.1:8787', apiKey: process.env.HUB_API_KEY });
 * for await (const text of client.chat.completions.stream({ model: 'mock', messages }).textDeltas()) {
 *   process.stdout.write(text);
 * }
 */
export class HubClient {
  readonly auth: Auth;
  readonly me: Me;
  readonly apiKeys: ApiKeys;
  readonly credits: Credits;
  readonly models: Models;
  readonly usage: Usage;
  readonly notifications: Notifications;
  readonly admin: Admin;
  readonly chat: { readonly completions: Completions };
  /** The transport every resource sends through (for calls the SDK has no method for yet). */
  readonly transport: Transport;

  constructor(options: HubClientOptions = {}) {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function')
      throw new Error('No fetch available: pass `fetch` in the client options');
    const session = new SessionManager(
      options.auth?.tokenStore ?? defaultTokenStore(),
      (refreshToken) =>
        this.transport.json<AuthTokens>({
          method: 'POST',
          path: '/api/v1/auth/refresh',
          body: { refreshToken },
          anonymous: true,
        }),
      options.apiKey,
      options.auth?.refreshLeeway,
    );
    this.transport = new Transport({
      baseURL: options.baseURL ?? globalThis.location?.origin ?? 'http://127.0.0.1:8787',
      timeout: options.timeout ?? 600_000,
      maxRetries: options.maxRetries ?? 2,
      maxRetryWait: options.maxRetryWait ?? DEFAULT_MAX_RETRY_WAIT_MS,
      onRetry: options.onRetry,
      fetch: (input, init) => fetchImpl(input, init),
      headers: options.headers ?? {},
      credentials: session,
    });
    this.auth = new Auth(this.transport, session);
    this.me = new Me(this.transport);
    this.apiKeys = new ApiKeys(this.transport);
    this.credits = new Credits(this.transport);
    this.models = new Models(this.transport);
    this.usage = new Usage(this.transport);
    this.notifications = new Notifications(this.transport);
    this.admin = new Admin(this.transport);
    this.chat = { completions: new Completions(this.transport) };
  }
}
