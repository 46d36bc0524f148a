import { createSecretKey, randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

/** The audience of every access token the hub signs. */
export const HUB_AUDIENCE = 'smart-ai-hub';

/**
 * The issuer of every access token the hub signs. A constant, not the public URL: replicas that
 * share the database share the signing key (derived from the shared master secret), so a token
 * made by any of them is accepted by all, whatever address each one is reached at.
 */
export const HUB_ISSUER = 'urn:smart-ai-hub';

/** What a verified hub access token says. */
export interface AccessTokenClaims {
  userId: string;
  /** The session (refresh-token family) it was issued for; absent for admin-minted tokens. */
  sessionId?: string;
  expiresAt: number;
}

/**
 * The hub's own JWT access tokens: HS256 only (pinned on verify), `iss` = {@link HUB_ISSUER},
 * `aud` = `smart-ai-hub`, `token_use` = `access` (so no other JWT of ours passes as one), short `exp`.
 */
export interface AccessTokens {
  readonly ttlSeconds: number;
  /** Whether a token naming this `iss` is one of the hub's own (to verify here, not elsewhere). */
  issues(iss: unknown): boolean;
  sign(userId: string, options?: { sessionId?: string; expiresIn?: number }): Promise<string>;
  /** The claims, or null for any token that is not a valid, current hub access token. */
  verify(token: string): Promise<AccessTokenClaims | null>;
}

export function createAccessTokens(options: {
  key: Uint8Array;
  ttlSeconds: number;
  /**
   * Issuers of tokens signed before {@link HUB_ISSUER} (the replica's own public URL), still
   * verified with the same key until they expire, so an upgrade signs no one out.
   */
  legacyIssuers?: string[];
}): AccessTokens {
  const { ttlSeconds } = options;
  const issuers = [HUB_ISSUER, ...(options.legacyIssuers ?? [])];
  // A KeyObject made once: handing jose raw bytes would re-import the key on every call.
  const key = createSecretKey(options.key);
  return {
    ttlSeconds,
    issues: (iss) => typeof iss === 'string' && issuers.includes(iss),
    async sign(userId, { sessionId, expiresIn = ttlSeconds } = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ token_use: 'access', ...(sessionId ? { sid: sessionId } : {}) })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(HUB_ISSUER)
        .setAudience(HUB_AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(now + expiresIn)
        .setJti(randomUUID())
        .sign(key);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: issuers,
          audience: HUB_AUDIENCE,
          requiredClaims: ['exp', 'iat', 'sub'],
          clockTolerance: 5,
        });
        if (payload.token_use !== 'access' || typeof payload.sub !== 'string' || payload.sub === '')
          return null;
        if (payload.sid !== undefined && typeof payload.sid !== 'string') return null;
        return {
          userId: payload.sub,
          sessionId: payload.sid as string | undefined,
          expiresAt: payload.exp! * 1000,
        };
      } catch {
        return null;
      }
    },
  };
}
