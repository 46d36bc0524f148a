import { createHash, randomBytes } from 'node:crypto';

/** A new random secret: 32 bytes (256 bits) as base64url, with an optional prefix. */
export function newSecretToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/**
 * SHA-256 of a high-entropy secret (API key, refresh or one-time token), hex. Enough for 256-bit
 * random values (no password stretching needed); the database only ever holds this.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
