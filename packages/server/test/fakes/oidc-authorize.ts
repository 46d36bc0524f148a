import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { type OidcProvider, sendOAuthError } from './oidc-provider.js';

/**
 * `GET /authorize`: validates the client and redirect URI (errors there are shown, never
 * redirected), then response_type=code and PKCE S256 (errors redirected back, RFC 6749
 * §4.1.2.1), and auto-approves as the current user: 302 to the redirect URI with `code`,
 * `state` and `iss`. `github` relaxes `response_type` (GitHub's clients omit it).
 */
export function handleAuthorize(
  provider: OidcProvider,
  res: ServerResponse,
  query: URLSearchParams,
  github: boolean,
) {
  const client = provider.clients.find((c) => c.clientId === query.get('client_id'));
  if (!client) return sendOAuthError(res, 400, 'invalid_request', 'unknown client_id');
  const given = query.get('redirect_uri');
  const redirectUri = given ?? (client.redirectUris?.length === 1 ? client.redirectUris[0]! : null);
  if (
    redirectUri === null ||
    !URL.canParse(redirectUri) ||
    (client.redirectUris && !client.redirectUris.includes(redirectUri))
  ) {
    return sendOAuthError(
      res,
      400,
      'invalid_request',
      'redirect_uri missing or not registered for this client',
    );
  }

  const back = (params: Record<string, string>) => {
    const target = new URL(redirectUri);
    for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
    const state = query.get('state');
    if (state !== null) target.searchParams.set('state', state);
    target.searchParams.set('iss', provider.issuer);
    res.writeHead(302, { location: target.href, 'cache-control': 'no-store' }).end();
  };

  if ((query.get('response_type') ?? (github ? 'code' : null)) !== 'code') {
    return back({
      error: 'unsupported_response_type',
      error_description: 'only response_type=code is supported',
    });
  }
  const challenge = query.get('code_challenge');
  if ((provider.requirePkce || challenge) && (!challenge || query.get('code_challenge_method') !== 'S256')) {
    return back({
      error: 'invalid_request',
      error_description: 'code_challenge with code_challenge_method=S256 is required',
    });
  }
  if (provider.deny) {
    const { error, description } = provider.deny;
    provider.deny = undefined;
    return back({ error, ...(description ? { error_description: description } : {}) });
  }
  const code = randomBytes(24).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  provider.codes.set(code, {
    clientId: client.clientId,
    redirectUri: given,
    codeChallenge: challenge,
    nonce: query.get('nonce'),
    scope: query.get('scope') ?? '',
    user: { ...provider.user },
    authTime: now,
    expiresAt: now + 60,
  });
  back({ code });
}
