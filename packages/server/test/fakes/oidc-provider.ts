import type { ServerResponse } from 'node:http';
import { sendJson } from './http-io.js';
import type { SigningKey } from './oidc-keys.js';

/** A registered OAuth client. */
export interface FakeOidcClient {
  clientId: string;
  /** `null` makes it a public client (no client authentication, PKCE only). */
  clientSecret: string | null;
  /** Exact redirect URIs allowed; omitted: any absolute URL is accepted. */
  redirectUris?: string[];
}

/** The signed-in end user the provider auto-approves as. */
export interface FakeOidcUser {
  sub: string;
  email: string;
  email_verified: boolean;
  name?: string;
  /** GitHub-style login for `GET /user` (defaults to the email's local part). */
  login?: string;
  /** Further claims, copied into the ID token and `/userinfo`. */
  [claim: string]: unknown;
}

/** An authorization code waiting to be exchanged. */
export interface PendingCode {
  clientId: string;
  /** The `redirect_uri` the authorization request carried (the token request must repeat it). */
  redirectUri: string | null;
  codeChallenge: string | null;
  nonce: string | null;
  scope: string;
  user: FakeOidcUser;
  authTime: number;
  expiresAt: number;
}

/** What an access or refresh token stands for. */
export interface Grant {
  clientId: string;
  scope: string;
  user: FakeOidcUser;
}

/** The provider's configuration and mutable state, shared by its endpoints. */
export interface OidcProvider {
  issuer: string;
  clients: FakeOidcClient[];
  requirePkce: boolean;
  tokenTtlSeconds: number;
  key: SigningKey;
  /** A key outside the JWKS, made on first use, for forged tokens. */
  foreignKey?: SigningKey;
  user: FakeOidcUser;
  deny?: { error: string; description?: string };
  codes: Map<string, PendingCode>;
  accessTokens: Map<string, Grant>;
  refreshTokens: Map<string, Grant>;
}

/** An OAuth error response (`{ error, error_description }`, never cached). */
export function sendOAuthError(
  res: ServerResponse,
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
): void {
  sendJson(
    res,
    status,
    { error, error_description: description },
    { 'cache-control': 'no-store', ...headers },
  );
}

/** The OpenID Provider metadata served at `/.well-known/openid-configuration`. */
export function discoveryDocument(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'email', 'profile', 'offline_access'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    code_challenge_methods_supported: ['S256'],
    claims_supported: [
      'iss',
      'sub',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'email',
      'email_verified',
      'name',
    ],
    authorization_response_iss_parameter_supported: true,
  };
}
