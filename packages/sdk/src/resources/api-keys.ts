import type { RequestOptions } from '../core/request-options.js';
import type { Transport } from '../core/transport.js';
import type { ApiKeyInfo, CreateApiKeyRequest, CreatedApiKey } from '../wire/auth.js';

/** The user's API keys: `client.apiKeys`. */
export class ApiKeys {
  constructor(private readonly transport: Transport) {}

  async list(options?: RequestOptions): Promise<ApiKeyInfo[]> {
    const page = await this.transport.json<{ apiKeys: ApiKeyInfo[] }>(
      { method: 'GET', path: '/api/v1/api-keys' },
      options,
    );
    return page.apiKeys;
  }

  /** Creates a key; keep `key` from the answer, the hub never shows it again. */
  create(body: CreateApiKeyRequest, options?: RequestOptions): Promise<CreatedApiKey> {
    return this.transport.json({ method: 'POST', path: '/api/v1/api-keys', body }, options);
  }

  /** Revokes a key at once. */
  async revoke(id: string, options?: RequestOptions): Promise<void> {
    await this.transport.json(
      { method: 'DELETE', path: `/api/v1/api-keys/${encodeURIComponent(id)}` },
      options,
    );
  }
}
