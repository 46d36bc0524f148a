import type { RequestOptions } from '../core/request-options.js';
import type { Transport } from '../core/transport.js';
import type { ApiKeyInfo, CreateApiKeyRequest, CreatedApiKey } from '../wire/auth.js';

/**
 * The user's API keys: `client.apiKeys`. Signed in, a client manages all of them; a client whose
 * key holds `keys:manage` manages only the keys that key made, each never wider than itself.
 */
export class ApiKeys {
  constructor(private readonly transport: Transport) {}

  async list(options?: RequestOptions): Promise<ApiKeyInfo[]> {
    const page = await this.transport.json<{ apiKeys: ApiKeyInfo[] }>(
      { method: 'GET', path: '/api/v1/api-keys' },
      options,
    );
    return page.apiKeys;
  }

  /**
   * Creates a key; keep `key` from the answer, the hub never shows it again. `scopes` says what
   * it may do (default `DEFAULT_API_KEY_SCOPES`: call models, read credits, usage and models).
   */
  create(body: CreateApiKeyRequest, options?: RequestOptions): Promise<CreatedApiKey> {
    return this.transport.json({ method: 'POST', path: '/api/v1/api-keys', body }, options);
  }

  /** Revokes a key at once, and every key made under it. */
  async revoke(id: string, options?: RequestOptions): Promise<void> {
    await this.transport.json(
      { method: 'DELETE', path: `/api/v1/api-keys/${encodeURIComponent(id)}` },
      options,
    );
  }
}
