import { AuthenticationError } from '@smart-ai-hub/sdk';
import { act, cleanup, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { useSessions } from '../src/index.js';
import { newClient, password, signedInUser } from './support/hub-user.js';
import { renderWithHub } from './support/render-with-hub.js';

afterEach(cleanup);

for (const hub of inject('hubs')) {
  describe(`useSessions against a real hub (${hub.dialect})`, () => {
    it('lists where the user is signed in and signs another device out', async () => {
      const { client, user } = await signedInUser(hub, 0);
      const phone = newClient(hub);
      await phone.auth.login({ email: user.email, password });

      const { result } = renderWithHub(client, useSessions);
      await waitFor(() => expect(result.current.sessions).toHaveLength(2));
      const current = result.current.sessions.filter((s) => s.current);
      expect(current).toHaveLength(1);
      const other = result.current.sessions.find((s) => !s.current)!;

      await act(() => result.current.revoke(other.id));
      expect(result.current.sessions.map((s) => s.id)).toEqual([current[0]!.id]);
      await expect(phone.auth.refresh()).rejects.toBeInstanceOf(AuthenticationError);
    });
  });
}
