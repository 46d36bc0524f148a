import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * What a rotation leaves behind for a few seconds, so that concurrent presentations of the same
 * refresh token (several tabs refreshing at once) get the same successor instead of tripping
 * reuse detection: the successor and the client that asked, sealed with a key derived from the
 * presented token itself. The coordination store keeps it under the token's hash (what the
 * database holds too), so whoever reads the store without the token learns nothing.
 */
export interface GraceEntry {
  successor: string;
  userAgent: string | null;
}

const key = (token: string) => createHmac('sha256', token).update('smart-ai-hub refresh grace').digest();

/** AES-256-GCM under a key only the holder of `token` can derive: `iv.tag.ciphertext`, base64url. */
export function sealGraceEntry(entry: GraceEntry, token: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(token), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(entry), 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

/** The entry, or null when `sealed` was not made for this token (or was tampered with). */
export function openGraceEntry(sealed: string, token: string): GraceEntry | null {
  const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  if (!iv || !tag || !body) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key(token), iv);
    decipher.setAuthTag(tag);
    const json = Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    return JSON.parse(json) as GraceEntry;
  } catch {
    return null;
  }
}
