import { afterEach, describe, expect, it, vi } from 'vitest';
import { startScriptedServer } from '../../test/support/scripted-server.js';
import { HubClient } from '../client/hub-client.js';
import type { AuthSession } from './auth-session.js';
import { localStorageTokenStore, memoryTokenStore } from './token-store.js';

/** A Storage with the browser's semantics, for Node. */
function fakeStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (i) => [...items.keys()][i] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, String(value)),
  };
}

const session: AuthSession = {
  user: {
    id: 'u1',
    email: 'a@example.test',
    name: null,
    role: 'user',
    emailVerified: true,
    disabled: false,
    createdAt: '',
  },
  accessToken: 'at-1',
  refreshToken: 'rt-1',
  expiresAt: Date.now() + 600_000,
};

let server: Awaited<ReturnType<typeof startScriptedServer>> | undefined;
afterEach(async () => {
  vi.unstubAllGlobals();
  await server?.close();
});

describe('token stores', () => {
  it('memory keeps the session until it is cleared', async () => {
    const store = memoryTokenStore();
    expect(store.get()).toBeNull();
    store.set(session);
    expect(store.get()).toEqual(session);
    store.set(null);
    expect(store.get()).toBeNull();
  });

  it('localStorage keeps the session across instances, as across page loads, and drops a corrupt entry', () => {
    const storage = fakeStorage();
    localStorageTokenStore('k', storage).set(session);
    expect(localStorageTokenStore('k', storage).get()).toEqual(session);
    localStorageTokenStore('k', storage).set(null);
    expect(storage.getItem('k')).toBeNull();
    storage.setItem('k', '{not json');
    expect(localStorageTokenStore('k', storage).get()).toBeNull();
  });

  it('is localStorage by default where there is one (browsers)', async () => {
    const storage = fakeStorage();
    vi.stubGlobal('localStorage', storage);
    storage.setItem('smart-ai-hub.session', JSON.stringify(session));
    server = await startScriptedServer([{ status: 200, body: session.user }]);
    const client = new HubClient({ baseURL: server.url });
    await expect(client.auth.getSession()).resolves.toEqual(session);
    await client.me.get();
    expect(server.requests[0]!.headers.authorization).toBe('Bearer at-1');
  });
});
