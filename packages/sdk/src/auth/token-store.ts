import type { AuthSession } from './auth-session.js';

/**
 * Where the client keeps the signed-in session between calls (and page loads). Plug in your own
 * (a cookie, secure storage on mobile, a server-side session) by implementing these two methods.
 */
export interface TokenStore {
  get(): AuthSession | null | Promise<AuthSession | null>;
  /** `null` signs out. */
  set(session: AuthSession | null): void | Promise<void>;
}

/** Keeps the session in memory: the default on servers; gone when the process ends. */
export function memoryTokenStore(initial: AuthSession | null = null): TokenStore {
  let session = initial;
  return {
    get: () => session,
    set: (next) => {
      session = next;
    },
  };
}

/** Keeps the session in `localStorage` under `key`: the default in browsers, so it survives reloads. */
export function localStorageTokenStore(
  key = 'smart-ai-hub.session',
  storage: Storage = globalThis.localStorage,
): TokenStore {
  return {
    get() {
      const raw = storage.getItem(key);
      if (!raw) return null;
      try {
        return JSON.parse(raw) as AuthSession;
      } catch {
        return null;
      }
    },
    set(session) {
      if (session) storage.setItem(key, JSON.stringify(session));
      else storage.removeItem(key);
    },
  };
}

/** localStorage where there is one (browsers), memory elsewhere. */
export function defaultTokenStore(): TokenStore {
  return typeof globalThis.localStorage?.getItem === 'function'
    ? localStorageTokenStore()
    : memoryTokenStore();
}
