import type { AuthEvent, AuthSession, AuthStateListener, SessionManager } from '../auth/auth-session.js';
import { sessionFrom } from '../auth/auth-session.js';
import { AuthenticationError } from '../core/errors.js';
import type { RequestOptions } from '../core/request-options.js';
import type { Transport } from '../core/transport.js';
import type {
  AuthTokens as AuthResult,
  ForgotPasswordRequest,
  HubUser,
  LoginRequest,
  OAuthProviderInfo,
  RegisterRequest,
  ResetPasswordRequest,
  VerifyEmailRequest,
} from '../wire/auth.js';
import { Sessions } from './sessions.js';

/** Sign-up, sign-in and the session the client keeps: `client.auth`. */
export class Auth {
  /** The signed-in user's sessions (devices): `list()`, `revoke(id)`. */
  readonly sessions: Sessions;

  constructor(
    private readonly transport: Transport,
    private readonly session: SessionManager,
  ) {
    this.sessions = new Sessions(transport);
  }

  /** Creates an account and signs in. */
  register(body: RegisterRequest, options?: RequestOptions): Promise<AuthSession> {
    return this.signIn('/api/v1/auth/register', body, options);
  }

  /** Signs in with email and password; the session goes to the token store. */
  login(body: LoginRequest, options?: RequestOptions): Promise<AuthSession> {
    return this.signIn('/api/v1/auth/login', body, options);
  }

  /** Signs out: revokes the refresh token on the hub (best effort) and clears the local session. */
  async logout(options?: RequestOptions): Promise<void> {
    const current = await this.session.store.get();
    try {
      if (current) {
        await this.transport.json(
          {
            method: 'POST',
            path: '/api/v1/auth/logout',
            body: { refreshToken: current.refreshToken },
            anonymous: true,
          },
          { maxRetries: 0, ...options },
        );
      }
    } finally {
      await this.session.set(null, 'SIGNED_OUT');
    }
  }

  /** Refreshes the access token now (the client also does it by itself before expiry and after a 401). */
  refresh(): Promise<AuthSession> {
    return this.session.refresh();
  }

  /** The current session, or null when signed out. */
  async getSession(): Promise<AuthSession | null> {
    return (await this.session.store.get()) ?? null;
  }

  /** Adopts tokens obtained elsewhere (an OAuth callback, a server-rendered page). */
  async setSession(result: AuthResult): Promise<AuthSession> {
    const session = sessionFrom(result);
    await this.session.set(session, 'SIGNED_IN');
    return session;
  }

  /** Calls `listener` on sign-in, token refresh and sign-out; returns the unsubscribe function. */
  onAuthStateChange(listener: AuthStateListener): () => void {
    return this.session.onAuthStateChange(listener);
  }

  /** The OAuth providers the hub is configured with (for sign-in buttons). */
  async oauthProviders(options?: RequestOptions): Promise<OAuthProviderInfo[]> {
    const list = await this.transport.json<{ data: OAuthProviderInfo[] }>(
      { method: 'GET', path: '/api/v1/auth/oauth', anonymous: true },
      options,
    );
    return list.data;
  }

  /**
   * The URL to send the browser to for OAuth sign-in with `provider` (e.g. `github`, `google`).
   * The hub lands back on its `HUB_OAUTH_REDIRECT_URL` with the tokens in the URL fragment:
   * call {@link Auth.completeOAuth} there.
   */
  oauthUrl(provider: string): string {
    return `${this.transport.config.baseURL.replace(/\/+$/, '')}/api/v1/auth/oauth/${encodeURIComponent(provider)}`;
  }

  /**
   * Finishes an OAuth sign-in on the landing page: reads the tokens from the URL fragment
   * (`#accessToken=...&refreshToken=...&expiresIn=...`), loads the user and stores the session.
   * Clear the fragment from the address bar afterwards (`history.replaceState`).
   */
  async completeOAuth(
    url: string = globalThis.location?.href,
    options?: RequestOptions,
  ): Promise<AuthSession> {
    const fragment = new URLSearchParams(new URL(url).hash.slice(1));
    const accessToken = fragment.get('accessToken');
    const refreshToken = fragment.get('refreshToken');
    if (!accessToken || !refreshToken) {
      throw new AuthenticationError('The URL carries no OAuth sign-in (no tokens in its fragment)', {
        code: 'unauthorized',
      });
    }
    const user = await this.transport.json<HubUser>(
      { method: 'GET', path: '/api/v1/me', anonymous: true },
      { ...options, headers: { ...options?.headers, authorization: `Bearer ${accessToken}` } },
    );
    return this.setSession({
      user,
      accessToken,
      refreshToken,
      expiresIn: Number(fragment.get('expiresIn') ?? 0),
    });
  }

  /** Confirms an email address with the token from the verification mail. */
  verifyEmail(body: VerifyEmailRequest, options?: RequestOptions): Promise<unknown> {
    return this.transport.json(
      { method: 'POST', path: '/api/v1/auth/verify-email', body, anonymous: true },
      options,
    );
  }

  /** Asks for a password-reset mail (the hub answers 202 whether or not the address exists). */
  forgotPassword(body: ForgotPasswordRequest, options?: RequestOptions): Promise<unknown> {
    return this.transport.json(
      { method: 'POST', path: '/api/v1/auth/forgot-password', body, anonymous: true },
      options,
    );
  }

  /** Sets a new password with the token from the reset mail. */
  resetPassword(body: ResetPasswordRequest, options?: RequestOptions): Promise<unknown> {
    return this.transport.json(
      { method: 'POST', path: '/api/v1/auth/reset-password', body, anonymous: true },
      options,
    );
  }

  private async signIn(path: string, body: object, options?: RequestOptions): Promise<AuthSession> {
    const result = await this.transport.json<AuthResult>(
      { method: 'POST', path, body, anonymous: true },
      options,
    );
    const session = sessionFrom(result);
    await this.session.set(session, 'SIGNED_IN' satisfies AuthEvent);
    return session;
  }
}
