import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './http-io.js';
import { signJwt } from './oidc-keys.js';
import { type FakeOidcClient, type Grant, type OidcProvider, sendOAuthError } from './oidc-provider.js';

/** client_secret_basic (form-url-encoded parts, RFC 6749 §2.3.1) or client_secret_post. */
function authenticateClient(
  provider: OidcProvider,
  req: IncomingMessage,
  form: URLSearchParams,
): FakeOidcClient | undefined {
  const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  let id = form.get('client_id');
  let secret = form.get('client_secret');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const unform = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    id = unform(decoded.slice(0, colon));
    secret = unform(decoded.slice(colon + 1));
  }
  const client = provider.clients.find((c) => c.clientId === id);
  if (!client || (client.clientSecret !== null && client.clientSecret !== secret)) return undefined;
  return client;
}

/** Access token (an `at+jwt`), rotating refresh token and, for the `openid` scope, an RS256 ID token. */
async function issueTokens(
  provider: OidcProvider,
  grant: Grant,
  extra: { nonce?: string | null; authTime?: number },
) {
  const { issuer, key, tokenTtlSeconds: ttl } = provider;
  const accessToken = await signJwt(
    {
      iss: issuer,
      sub: grant.user.sub,
      aud: issuer,
      client_id: grant.clientId,
      scope: grant.scope,
      jti: randomBytes(8).toString('hex'),
    },
    key,
    { ttlSeconds: ttl, typ: 'at+jwt' },
  );
  provider.accessTokens.set(accessToken, grant);
  const refreshToken = randomBytes(24).toString('base64url');
  provider.refreshTokens.set(refreshToken, grant);
  const { login: _login, ...userClaims } = grant.user;
  const idToken = grant.scope.split(' ').includes('openid')
    ? await signJwt(
        {
          ...userClaims,
          iss: issuer,
          aud: grant.clientId,
          ...(extra.authTime ? { auth_time: extra.authTime } : {}),
          ...(extra.nonce ? { nonce: extra.nonce } : {}),
        },
        key,
        { ttlSeconds: ttl },
      )
    : undefined;
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: ttl,
    scope: grant.scope,
    refresh_token: refreshToken,
    ...(idToken ? { id_token: idToken } : {}),
  };
}

/** Checks an authorization code exchange; the error description, or the grant. */
function redeemCode(provider: OidcProvider, client: FakeOidcClient, form: URLSearchParams) {
  const code = form.get('code') ?? '';
  const pending = provider.codes.get(code);
  provider.codes.delete(code); // single use, whatever the outcome
  if (!pending || pending.expiresAt < Date.now() / 1000)
    return 'authorization code is invalid, expired or used';
  if (pending.clientId !== client.clientId) return 'authorization code was issued to another client';
  if (pending.redirectUri !== null && pending.redirectUri !== form.get('redirect_uri')) {
    return 'redirect_uri does not match the authorization request';
  }
  const verifier = form.get('code_verifier');
  if (pending.codeChallenge !== null) {
    if (!verifier) return 'code_verifier is required';
    if (createHash('sha256').update(verifier).digest('base64url') !== pending.codeChallenge) {
      return 'PKCE verification failed';
    }
  } else if (verifier) {
    return 'code_verifier given but the authorization request had no code_challenge';
  }
  return pending;
}

/**
 * `POST /token`: the authorization_code grant (PKCE S256 verified, codes single-use) and the
 * refresh_token grant (rotated), after client authentication. `github` mimics GitHub's endpoint:
 * grant_type optional, form-encoded answer unless the client accepts JSON.
 */
export async function handleToken(
  provider: OidcProvider,
  req: IncomingMessage,
  res: ServerResponse,
  form: URLSearchParams,
  github: boolean,
): Promise<void> {
  const client = authenticateClient(provider, req, form);
  if (!client) {
    const challenge: Record<string, string> = req.headers.authorization
      ? { 'www-authenticate': 'Basic realm="fake-oidc"' }
      : {};
    return sendOAuthError(res, 401, 'invalid_client', 'client authentication failed', challenge);
  }
  const grantType = form.get('grant_type') ?? (github ? 'authorization_code' : null);
  let body: Record<string, unknown>;
  if (grantType === 'authorization_code') {
    const pending = redeemCode(provider, client, form);
    if (typeof pending === 'string') return sendOAuthError(res, 400, 'invalid_grant', pending);
    const grant = { clientId: client.clientId, scope: pending.scope, user: pending.user };
    body = await issueTokens(provider, grant, { nonce: pending.nonce, authTime: pending.authTime });
  } else if (grantType === 'refresh_token') {
    const refresh = form.get('refresh_token') ?? '';
    const grant = provider.refreshTokens.get(refresh);
    provider.refreshTokens.delete(refresh); // rotated
    if (!grant || grant.clientId !== client.clientId) {
      return sendOAuthError(
        res,
        400,
        'invalid_grant',
        'refresh token is invalid or was issued to another client',
      );
    }
    body = await issueTokens(provider, grant, {});
  } else {
    return sendOAuthError(res, 400, 'unsupported_grant_type', `grant_type ${grantType} is not supported`);
  }
  if (github && !String(req.headers.accept ?? '').includes('json')) {
    const encoded = new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)])).toString();
    res
      .writeHead(200, { 'content-type': 'application/x-www-form-urlencoded', 'cache-control': 'no-store' })
      .end(encoded);
    return;
  }
  sendJson(res, 200, body, { 'cache-control': 'no-store', pragma: 'no-cache' });
}
