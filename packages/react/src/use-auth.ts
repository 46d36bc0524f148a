import type { AuthSession, HubUser, LoginRequest, RegisterRequest } from '@smart-ai-hub/sdk';
import type { AuthStatus } from './auth-store.js';
import { useHub } from './hub-context.js';
import { useStore } from './use-store.js';

export interface UseAuthResult {
  /** The signed-in user, or null. */
  user: HubUser | null;
  /** `loading` until the stored session has been read; then `signed-in` or `signed-out`. */
  status: AuthStatus;
  /** Signs in; rejects with the SDK's error class (`AuthenticationError` for a wrong password). */
  login(body: LoginRequest): Promise<AuthSession>;
  /** Creates an account and signs in; rejects with `ConflictError` when the email is taken. */
  register(body: RegisterRequest): Promise<AuthSession>;
  /** Signs out here and on the hub. */
  logout(): Promise<void>;
}

/**
 * The signed-in user and the actions that sign in and out. Follows the client's
 * `onAuthStateChange`, so a sign-out anywhere (another hook, a refused refresh) shows here.
 * (A client built with an `apiKey` has no session: its status is `signed-out`.)
 */
export function useAuth(): UseAuthResult {
  const { auth } = useHub().stores;
  const { user, status } = useStore(auth);
  return { user, status, login: auth.login, register: auth.register, logout: auth.logout };
}
