import type { FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import type { UsersService } from '../accounts/users-service.js';
import type { AccessTokens } from './access-tokens.js';
import { API_KEY_PREFIX, type ApiKeysService } from './api-keys.js';
import type { HostAuthenticate } from './host-auth.js';
import type { IdentitiesService } from './identities.js';
import { type Principal, principalFor, type Role } from './principal.js';
import type { SessionsService } from './sessions.js';
import type { TrustedIssuer } from './trusted-issuer.js';
import { TtlCache } from './ttl-cache.js';

/** How stale a cached user (role, disabled) may be on a replica that did not make the change. */
export const USER_CACHE_MS = 5_000;

export interface AuthenticatorParts {
  accessTokens: AccessTokens;
  sessions: SessionsService;
  apiKeys: ApiKeysService;
  users: UsersService;
  identities: IdentitiesService;
  trustedIssuer?: TrustedIssuer;
  host?: HostAuthenticate;
}

export interface Authenticator {
  /** `hub.authenticate`: who is calling, or null (anonymous or any invalid credential). */
  authenticate(request: FastifyRequest): Promise<Principal | null>;
  /** Forgets what this node cached about a user (after disabling them or changing their role). */
  invalidateUser(userId: string): void;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Resolves `Authorization: Bearer <access token | sk-hub- key>` (or `x-api-key: sk-hub-...`), a
 * token of the trusted OIDC issuer, or else the host hook. Lookups are cached a few seconds on
 * this node (see {@link USER_CACHE_MS}, `API_KEY_CACHE_MS`, `SESSION_CACHE_MS`): a revocation made
 * on another replica takes effect there within that bound; on this node, at once.
 */
export function createAuthenticator(parts: AuthenticatorParts): Authenticator {
  const userCache = new TtlCache<{ role: Role; disabled: boolean } | null>(USER_CACHE_MS);
  const identityCache = new TtlCache<string>(USER_CACHE_MS);

  async function activeUser(userId: string) {
    let entry = userCache.get(userId);
    if (entry === undefined) {
      const user = await parts.users.findById(userId);
      entry = user ? { role: user.role, disabled: user.disabled_at !== null } : null;
      userCache.set(userId, entry);
    }
    return entry && !entry.disabled ? entry : null;
  }

  async function external(profile: Parameters<IdentitiesService['signIn']>[0], via: Principal['via']) {
    const key = `${profile.provider}\u0000${profile.subject}`;
    let userId = identityCache.get(key);
    if (!userId) {
      try {
        userId = (await parts.identities.signIn(profile)).id;
      } catch {
        return null;
      }
      identityCache.set(key, userId);
    }
    const user = await activeUser(userId);
    return user ? principalFor(userId, user.role, via) : null;
  }

  async function fromJwt(token: string): Promise<Principal | null> {
    let iss: unknown;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      return null;
    }
    if (parts.accessTokens.issues(iss)) {
      const claims = await parts.accessTokens.verify(token);
      if (!claims) return null;
      if (claims.sessionId && !(await parts.sessions.isActive(claims.sessionId, claims.userId))) return null;
      const user = await activeUser(claims.userId);
      return user
        ? principalFor(
            claims.userId,
            user.role,
            'access_token',
            claims.sessionId ? { sessionId: claims.sessionId } : {},
          )
        : null;
    }
    if (parts.trustedIssuer && iss === parts.trustedIssuer.issuer) {
      const claims = await parts.trustedIssuer.verify(token);
      if (!claims) return null;
      return external(
        {
          provider: `oidc:${parts.trustedIssuer.issuer}`,
          subject: claims.sub,
          email: typeof claims.email === 'string' ? claims.email : null,
          emailVerified: claims.email_verified === true,
          name: typeof claims.name === 'string' ? claims.name : null,
        },
        'oidc',
      );
    }
    return null;
  }

  return {
    async authenticate(request) {
      const header = request.headers.authorization;
      const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
      const xApiKey = request.headers['x-api-key'];
      const key = token ?? (typeof xApiKey === 'string' ? xApiKey : undefined);
      if (key?.startsWith(API_KEY_PREFIX)) {
        const resolved = await parts.apiKeys.resolve(key);
        if (!resolved) return null;
        const { userId, role, ...apiKey } = resolved;
        return principalFor(userId, role, 'api_key', { apiKey });
      }
      if (token && token.split('.').length === 3) {
        const principal = await fromJwt(token);
        if (principal || !parts.host) return principal;
      } else if (header !== undefined && !parts.host) {
        return null;
      }
      if (!parts.host) return null;
      const hostUser = await parts.host(request);
      if (!hostUser) return null;
      return external(
        {
          provider: 'host',
          subject: hostUser.id,
          email: hostUser.email,
          emailVerified: hostUser.emailVerified ?? true,
          name: hostUser.name ?? null,
          role: hostUser.role,
        },
        'host',
      );
    },
    invalidateUser(userId) {
      userCache.delete(userId);
      parts.apiKeys.invalidate();
    },
  };
}
