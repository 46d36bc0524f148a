import type { AuthSession, HubClient, HubUser, LoginRequest, RegisterRequest } from '@smart-ai-hub/sdk';
import { createStore, type Store } from './store.js';

/** `loading` until the client's token store has been read, then whether a user is signed in. */
export type AuthStatus = 'loading' | 'signed-in' | 'signed-out';

export interface AuthState {
  status: AuthStatus;
  /** The signed-in user, or null. */
  user: HubUser | null;
}

/** The session as a store, plus the actions that change it. */
export interface AuthStore extends Store<AuthState> {
  /** Signs in with email and password; rejects with the SDK's error (`AuthenticationError`, ...). */
  login(body: LoginRequest): Promise<AuthSession>;
  /** Creates an account and signs in; rejects with `ConflictError` when the email is taken. */
  register(body: RegisterRequest): Promise<AuthSession>;
  /** Signs out (revokes the refresh token on the hub, best effort) and clears the session. */
  logout(): Promise<void>;
}

/**
 * The client's session as a store: while observed, it reads the token store once and then
 * follows `client.auth.onAuthStateChange` (sign-in, refresh, sign-out, also from other code).
 */
export function createAuthStore(client: HubClient): AuthStore {
  const fromSession = (session: AuthSession | null): AuthState =>
    session ? { status: 'signed-in', user: session.user } : { status: 'signed-out', user: null };
  const store = createStore<AuthState>({ status: 'loading', user: null }, () => {
    let heard = false;
    const stop = client.auth.onAuthStateChange((_event, session) => {
      heard = true;
      store.setState(fromSession(session));
    });
    client.auth.getSession().then(
      (session) => {
        if (!heard) store.setState(fromSession(session)); // an event is newer than this read
      },
      () => {
        if (!heard) store.setState(fromSession(null));
      },
    );
    return stop;
  });
  return {
    ...store,
    login: (body) => client.auth.login(body),
    register: (body) => client.auth.register(body),
    logout: () => client.auth.logout(),
  };
}
