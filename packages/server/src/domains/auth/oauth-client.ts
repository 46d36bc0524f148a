import * as oidc from 'openid-client';
import type { ExternalProfile } from './identities.js';
import type { OAuthProviderConfig } from './oauth-config.js';

/** What the hub keeps between the redirect to the provider and the callback (single use). */
export interface OAuthPending {
  provider: string;
  codeVerifier: string;
  nonce?: string;
}

/** One configured sign-in provider, speaking authorization code + PKCE (S256) through openid-client. */
export interface OAuthProvider {
  readonly id: string;
  /** The provider URL to send the browser to, and what to keep for the callback. */
  start(state: string): Promise<{ url: URL; pending: OAuthPending }>;
  /** Exchanges the callback's code (checking state, PKCE, nonce, ID token) for the person's profile. */
  finish(callbackUrl: URL, state: string, pending: OAuthPending): Promise<ExternalProfile>;
}

const DEFAULT_SCOPES = {
  github: ['read:user', 'user:email'],
  google: ['openid', 'email', 'profile'],
  oidc: ['openid', 'email', 'profile'],
};

export function createOAuthProvider(config: OAuthProviderConfig, redirectUri: string): OAuthProvider {
  const scopes = (config.scopes ?? DEFAULT_SCOPES[config.type]).join(' ');
  const isOidc = config.type !== 'github';
  const clientAuth = config.clientSecret ? oidc.ClientSecretPost(config.clientSecret) : oidc.None();
  let configuration: Promise<oidc.Configuration> | undefined;

  const load = () => {
    configuration ??= (async () => {
      if (config.type === 'github') {
        const c = new oidc.Configuration(
          {
            issuer: new URL(config.authorizationUrl).origin,
            authorization_endpoint: config.authorizationUrl,
            token_endpoint: config.tokenUrl,
          },
          config.clientId,
          { token_endpoint_auth_method: config.clientSecret ? 'client_secret_post' : 'none' },
          clientAuth,
        );
        if (config.tokenUrl.startsWith('http:')) oidc.allowInsecureRequests(c);
        return c;
      }
      const issuer = new URL(config.issuer);
      return oidc.discovery(issuer, config.clientId, undefined, clientAuth, {
        execute: issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
      });
    })().catch((error) => {
      configuration = undefined;
      throw error;
    });
    return configuration;
  };

  async function githubProfile(c: oidc.Configuration, accessToken: string): Promise<ExternalProfile> {
    if (config.type !== 'github') throw new Error('not GitHub');
    const headers = new Headers({ accept: 'application/vnd.github+json' });
    const get = async (path: string) => {
      const res = await oidc.fetchProtectedResource(
        c,
        accessToken,
        new URL(`${config.apiUrl}${path}`),
        'GET',
        undefined,
        headers,
      );
      if (!res.ok) throw new Error(`GitHub ${path} answered ${res.status}`);
      return res.json();
    };
    const user = (await get('/user')) as { id: number; name?: string | null; login?: string };
    const emails = (await get('/user/emails')) as Array<{
      email: string;
      primary: boolean;
      verified: boolean;
    }>;
    const primary = emails.find((e) => e.primary && e.verified) ?? emails.find((e) => e.verified);
    return {
      provider: config.id,
      subject: String(user.id),
      email: primary?.email ?? null,
      emailVerified: primary !== undefined,
      name: user.name ?? user.login ?? null,
    };
  }

  return {
    id: config.id,
    async start(state) {
      const c = await load();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const nonce = isOidc ? oidc.randomNonce() : undefined;
      const url = oidc.buildAuthorizationUrl(c, {
        redirect_uri: redirectUri,
        scope: scopes,
        state,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        ...(nonce ? { nonce } : {}),
      });
      return { url, pending: { provider: config.id, codeVerifier, ...(nonce ? { nonce } : {}) } };
    },
    async finish(callbackUrl, state, pending) {
      const c = await load();
      const tokens = await oidc.authorizationCodeGrant(c, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: state,
        ...(isOidc ? { expectedNonce: pending.nonce, idTokenExpected: true } : {}),
      });
      if (!isOidc) return githubProfile(c, tokens.access_token);
      const claims = tokens.claims()!;
      let email = typeof claims.email === 'string' ? claims.email : null;
      let verified = claims.email_verified === true;
      let name = typeof claims.name === 'string' ? claims.name : null;
      if (!email) {
        const info = await oidc.fetchUserInfo(c, tokens.access_token, claims.sub);
        email = info.email ?? null;
        verified = info.email_verified === true;
        name ??= info.name ?? null;
      }
      return {
        provider: config.id,
        subject: claims.sub,
        email,
        emailVerified: verified && email !== null,
        name,
      };
    },
  };
}
