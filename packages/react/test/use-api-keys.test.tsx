import { AuthenticationError, HubClient } from '@smart-ai-hub/sdk';
import { act, cleanup, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { useApiKeys } from '../src/index.js';
import { signedInUser } from './support/hub-user.js';
import { renderWithHub } from './support/render-with-hub.js';

afterEach(cleanup);

for (const hub of inject('hubs')) {
  describe(`useApiKeys against a real hub (${hub.dialect})`, () => {
    it('creates a key with its limits (shown once), lists it, and revokes it for good', async () => {
      const { client } = await signedInUser(hub, 0);
      const { result } = renderWithHub(client, useApiKeys);
      await waitFor(() => expect(result.current.loading).toBe(false));
      expect(result.current.keys).toEqual([]);

      const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
      let created!: Awaited<ReturnType<typeof result.current.create>>;
      await act(async () => {
        created = await result.current.create({
          name: 'ci',
          scopes: ['models:call', 'profile:read'],
          allowedModels: ['mock-paced'],
          spendCap: 2.5,
          expiresAt,
        });
      });
      expect(created.key).toMatch(/^sk-hub-/);
      expect(result.current.keys).toHaveLength(1);
      expect(result.current.keys[0]).toMatchObject({
        id: created.id,
        name: 'ci',
        scopes: ['models:call', 'profile:read'],
        allowedModels: ['mock-paced'],
        spendCap: 2.5,
        lastUsedAt: null,
        revokedAt: null,
      });
      expect(result.current.keys[0]).not.toHaveProperty('key');
      const withKey = new HubClient({ baseURL: hub.url, apiKey: created.key, maxRetries: 0 });
      expect((await withKey.me.get()).id).toBeTruthy();

      await act(() => result.current.revoke(created.id));
      expect(result.current.keys[0]?.revokedAt).not.toBeNull();
      await expect(withKey.me.get()).rejects.toBeInstanceOf(AuthenticationError);
    });
  });
}
