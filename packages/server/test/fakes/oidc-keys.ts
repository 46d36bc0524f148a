import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

/** An RS256 key pair as a provider publishes it: the private half signs, the JWK is in `/jwks`. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

/** Generates an RS256 signing key with the given `kid`. */
export async function createSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicKey, publicJwk };
}

/**
 * Signs `claims` as an RS256 JWT. `iat` defaults to now and `exp` to `iat + ttlSeconds`, unless
 * the claims set them. `kid` is the header's key id (the key's own unless overridden).
 */
export function signJwt(
  claims: JWTPayload,
  key: Pick<SigningKey, 'privateKey' | 'kid'>,
  options: { ttlSeconds: number; typ?: string; kid?: string },
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const iat = claims.iat ?? now;
  const header = { alg: 'RS256', kid: options.kid ?? key.kid, ...(options.typ ? { typ: options.typ } : {}) };
  return new SignJWT({ ...claims, iat, exp: claims.exp ?? iat + options.ttlSeconds })
    .setProtectedHeader(header)
    .sign(key.privateKey);
}
