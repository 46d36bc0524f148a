import { AuthenticationError } from '@smart-ai-hub/sdk';
import { act, cleanup, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { useAuth, useCredits } from '../src/index.js';
import { newClient, password, uniqueEmail } from './support/hub-user.js';
import { renderWithHub } from './support/render-with-hub.js';

afterEach(cleanup);

for (const hub of inject('hubs')) {
  describe(`useAuth against a real hub (${hub.dialect})`, () => {
    it('registers, signs out and signs in again, following the session', async () => {
      const client = newClient(hub);
      const { result } = renderWithHub(client, () => useAuth());
      expect(result.current.status).toBe('loading');
      await waitFor(() => expect(result.current.status).toBe('signed-out'));
      expect(result.current.user).toBeNull();

      const email = uniqueEmail();
      await act(() => result.current.register({ email, password, name: 'Ada' }));
      expect(result.current).toMatchObject({ status: 'signed-in', user: { email, name: 'Ada' } });

      await act(() => result.current.logout());
      expect(result.current).toMatchObject({ status: 'signed-out', user: null });
      expect(await client.auth.getSession()).toBeNull();

      await act(() => result.current.login({ email, password }));
      expect(result.current).toMatchObject({ status: 'signed-in', user: { email } });
    });

    it('starts signed in from a stored session and sees a sign-out made outside the hook', async () => {
      const client = newClient(hub);
      const session = await client.auth.register({ email: uniqueEmail(), password });
      const { result } = renderWithHub(client, () => useAuth());
      await waitFor(() => expect(result.current.status).toBe('signed-in'));
      expect(result.current.user?.id).toBe(session.user.id);

      await act(() => client.auth.logout());
      expect(result.current.status).toBe('signed-out');
    });

    it('rejects a wrong password with AuthenticationError and stays signed out', async () => {
      const client = newClient(hub);
      const email = uniqueEmail();
      await newClient(hub).auth.register({ email, password });
      const { result } = renderWithHub(client, () => useAuth());
      await waitFor(() => expect(result.current.status).toBe('signed-out'));
      let failure: unknown;
      await act(async () => {
        failure = await result.current.login({ email, password: 'not the password' }).catch((e) => e);
      });
      expect(failure).toBeInstanceOf(AuthenticationError);
      expect(result.current).toMatchObject({ status: 'signed-out', user: null });
    });

    it('loads the balance on sign-in and forgets it on sign-out', async () => {
      const client = newClient(hub);
      const { result } = renderWithHub(client, () => ({ auth: useAuth(), credits: useCredits() }));
      await waitFor(() => expect(result.current.credits.error).toBeInstanceOf(AuthenticationError));
      expect(result.current.credits.balance).toBeUndefined();

      await act(() => result.current.auth.register({ email: uniqueEmail(), password }));
      await waitFor(() => expect(result.current.credits.balance).toBe(0));
      expect(result.current.credits).toMatchObject({ held: 0, available: 0, error: undefined });

      await act(() => result.current.auth.logout());
      expect(result.current.credits).toMatchObject({ balance: undefined, error: undefined, loading: false });
    });
  });
}
