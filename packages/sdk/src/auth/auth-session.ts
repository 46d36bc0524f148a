import { AuthenticationError } from '../core/errors.js';
import type { CredentialsProvider } from '../core/request-options.js';
import type { AuthTokens as AuthResult, HubUser as User } from '../wire/auth.js';
import type { TokenStore } from './token-store.js';

/** A signed-in session as the token store keeps it. */
export interface AuthSession {
  user: User;
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (epoch ms). */
  expiresAt: number;
}

export type AuthEvent = 'SIGNED_IN' | 'SIGNED_OUT' | 'TOKEN_REFRESHED';
export type AuthStateListener = (event: AuthEvent, session: AuthSession | null) => void;

/** Turns a register/login/refresh answer into a session. */
export function sessionFrom(result: AuthResult, now = Date.now()): AuthSession {
  return {
    user: result.user,
    accessToken: result.accessToken,
    refreshToken: result.refreshToken,
    expiresAt: now + result.expiresIn * 1000,
  };
}

/**
 * The client's credentials: an API key, or a session it refreshes by itself. A refresh starts
 * `leewayMs` before the access token expires, or after a 401; concurrent callers share one refresh
 * (refresh tokens rotate, so two refreshes would sign the user out).
 */
export class SessionManager implements CredentialsProvider {
  private readonly listeners = new Set<AuthStateListener>();
  private refreshing: Promise<AuthSession> | undefined;

  constructor(
    readonly store: TokenStore,
    private readonly refreshCall: (refreshToken: string) => Promise<AuthResult>,
    private readonly apiKey?: string,
    private readonly leewayMs = 30_000,
  ) {}

  async authorization(): Promise<string | undefined> {
    if (this.apiKey) return `Bearer ${this.apiKey}`;
    let session = await this.store.get();
    if (session && session.expiresAt - this.leewayMs <= Date.now()) {
      // A failed early refresh is not fatal: the old token may still work, and a 401 tries again.
      session = await this.refresh().catch(() => this.store.get());
    }
    return session ? `Bearer ${session.accessToken}` : undefined;
  }

  async recover(sent: string): Promise<boolean> {
    if (this.apiKey) return false;
    const session = await this.store.get();
    if (!session) return false;
    if (`Bearer ${session.accessToken}` !== sent) return true; // another call refreshed meanwhile
    return this.refresh().then(
      () => true,
      () => false,
    );
  }

  /** Refreshes the session now (shared with any refresh in flight). Signs out if the hub refuses. */
  refresh(): Promise<AuthSession> {
    this.refreshing ??= this.runRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Stores `session` (null signs out) and tells the listeners. */
  async set(session: AuthSession | null, event: AuthEvent): Promise<void> {
    await this.store.set(session);
    for (const listener of [...this.listeners]) {
      try {
        listener(event, session);
      } catch {
        // A listener's bug must not break the call that changed the session.
      }
    }
  }

  /** Calls `listener` on every sign-in, refresh and sign-out; returns the unsubscribe function. */
  onAuthStateChange(listener: AuthStateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async runRefresh(): Promise<AuthSession> {
    const current = await this.store.get();
    if (!current)
      throw new AuthenticationError('Not signed in: nothing to refresh', { code: 'unauthorized' });
    try {
      const next = sessionFrom(await this.refreshCall(current.refreshToken));
      await this.set(next, 'TOKEN_REFRESHED');
      return next;
    } catch (error) {
      if (error instanceof AuthenticationError) await this.set(null, 'SIGNED_OUT');
      throw error;
    }
  }
}
