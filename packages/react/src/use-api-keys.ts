import type { ApiKeyInfo, CreateApiKeyRequest, CreatedApiKey } from '@smart-ai-hub/sdk';
import { useHubClient } from './hub-context.js';
import { useHubQuery } from './use-hub-query.js';

export interface UseApiKeysResult {
  /** The user's keys, revoked ones included (see `revokedAt`); empty until loaded. */
  keys: ApiKeyInfo[];
  loading: boolean;
  error: Error | undefined;
  /** Makes a key and refreshes the list; the answer's `key` is shown this once. Rejects with the SDK's error. */
  create(body: CreateApiKeyRequest): Promise<CreatedApiKey>;
  /** Revokes a key (and every key made under it) and refreshes the list. */
  revoke(id: string): Promise<void>;
  refresh(): Promise<void>;
}

/** The signed-in user's API keys: list, create, revoke. */
export function useApiKeys(): UseApiKeysResult {
  const client = useHubClient();
  const { data, loading, error, refresh } = useHubQuery((c, signal) => c.apiKeys.list({ signal }), []);
  return {
    keys: data ?? NONE,
    loading,
    error,
    async create(body) {
      const created = await client.apiKeys.create(body);
      await refresh();
      return created;
    },
    async revoke(id) {
      await client.apiKeys.revoke(id);
      await refresh();
    },
    refresh,
  };
}

const NONE: ApiKeyInfo[] = [];
