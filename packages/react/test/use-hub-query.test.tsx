import { HubClient } from '@smart-ai-hub/sdk';
import { act, cleanup, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { useHubQuery } from '../src/index.js';
import { signedInUser } from './support/hub-user.js';
import { renderWithHub } from './support/render-with-hub.js';

afterEach(cleanup);

for (const hub of inject('hubs')) {
  describe(`useHubQuery over the admin API against a real hub (${hub.dialect})`, () => {
    it('finds a user by part of the email, then reads their balance, ledger and keys', async () => {
      const { client: userClient, user } = await signedInUser(hub, 3);
      await userClient.apiKeys.create({ name: 'their key' });
      const admin = new HubClient({ baseURL: hub.url, apiKey: hub.adminKey, maxRetries: 0 });

      const { result } = renderWithHub(admin, () => {
        const [q, setQ] = useState('no-such-user');
        const users = useHubQuery((c, signal) => c.admin.users.list({ q }, { signal }), [q]);
        return { users, setQ };
      });
      await waitFor(() => expect(result.current.users.data?.users).toEqual([]));
      act(() => result.current.setQ(user.email.slice(0, 14).toUpperCase()));
      await waitFor(() => expect(result.current.users.data?.users.map((u) => u.id)).toEqual([user.id]));

      const detail = renderWithHub(admin, () =>
        useHubQuery(
          async (c, signal) => ({
            balance: await c.admin.users.balance(user.id, { signal }),
            transactions: await c.admin.users.transactions(user.id).toArray(),
            keys: await c.admin.users.apiKeys(user.id, { signal }),
          }),
          [],
        ),
      );
      await waitFor(() => expect(detail.result.current.data).toBeDefined());
      expect(detail.result.current.data!.balance).toEqual({ balance: 3, held: 0, available: 3 });
      expect(detail.result.current.data!.transactions).toMatchObject([{ kind: 'grant', amount: 3 }]);
      expect(detail.result.current.data!.keys.map((k) => k.name)).toEqual(['their key']);
    });
  });
}
