import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jwtVerify } from 'jose';
import { bearerToken, sendJson } from './http-io.js';
import { type FakeOidcUser, type OidcProvider, sendOAuthError } from './oidc-provider.js';

/** The user behind an access token: one the provider issued, or any JWT signed with its key. */
async function userFor(provider: OidcProvider, req: IncomingMessage): Promise<FakeOidcUser | undefined> {
  const presented = bearerToken(req) ?? /^token\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!presented) return undefined;
  const issued = provider.accessTokens.get(presented);
  if (issued) return issued.user;
  try {
    const { payload } = await jwtVerify(presented, provider.key.publicKey, { issuer: provider.issuer });
    if (typeof payload.sub !== 'string') return undefined;
    return {
      ...payload,
      sub: payload.sub,
      email: String(payload.email ?? ''),
      email_verified: payload.email_verified === true,
    };
  } catch {
    return undefined;
  }
}

/** GitHub ids are numbers: the sub itself if numeric, else a stable hash of it. */
function githubId(sub: string): number {
  return /^\d+$/.test(sub) ? Number(sub) : createHash('sha256').update(sub).digest().readUInt32BE(0);
}

/**
 * `/userinfo` (OIDC claims) and GitHub's `/user` and `/user/emails`, for a Bearer (or GitHub
 * `token`) access token; 401 with `WWW-Authenticate: Bearer error="invalid_token"` otherwise.
 */
export async function handleUserinfo(
  provider: OidcProvider,
  req: IncomingMessage,
  res: ServerResponse,
  path: '/userinfo' | '/user' | '/user/emails',
): Promise<void> {
  const user = await userFor(provider, req);
  if (!user) {
    const challenge = { 'www-authenticate': 'Bearer error="invalid_token"' };
    return sendOAuthError(
      res,
      401,
      'invalid_token',
      'access token is missing, invalid or expired',
      challenge,
    );
  }
  const { login, ...claims } = user;
  if (path === '/userinfo') return sendJson(res, 200, claims);
  if (path === '/user/emails') {
    return sendJson(res, 200, [
      { email: user.email, primary: true, verified: user.email_verified, visibility: 'private' },
    ]);
  }
  sendJson(res, 200, {
    id: githubId(user.sub),
    login: login ?? user.email.split('@')[0],
    name: user.name ?? null,
    email: user.email,
  });
}
