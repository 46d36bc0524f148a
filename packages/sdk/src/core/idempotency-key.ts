/**
 * A fresh idempotency key (a UUID). Made once per logical call and sent with every retry of it,
 * so the hub charges a money-moving request at most once however often the network drops it.
 */
export function newIdempotencyKey(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  // Insecure browser contexts have getRandomValues but not randomUUID.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `sdk-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
