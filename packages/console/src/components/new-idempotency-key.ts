/** A fresh idempotency key for one money-moving form submission (reused by its retries). */
export function newIdempotencyKey(prefix: string): string {
  const random = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) =>
    b.toString(16).padStart(2, '0'),
  );
  return `${prefix}-${random.join('')}`;
}
