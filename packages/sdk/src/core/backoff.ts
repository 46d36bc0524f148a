import { retryAfterSeconds } from './errors.js';

const INITIAL_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;
/** A Retry-After longer than this is not waited for: the error goes to the caller instead. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * How long to wait before retry number `retry` (0-based): the hub's `Retry-After` when it sent
 * one, else exponential backoff with full jitter (0.5 s, 1 s, 2 s, ... up to 8 s, each scaled by a
 * random factor in [0.5, 1]) so that many clients do not retry in step. Undefined when the hub asks
 * for a wait longer than {@link MAX_RETRY_AFTER_MS}: better to tell the caller than to hang.
 */
export function retryDelayMs(
  retry: number,
  headers?: Headers,
  random: () => number = Math.random,
): number | undefined {
  const retryAfter = retryAfterSeconds(headers);
  if (retryAfter !== undefined)
    return retryAfter * 1000 <= MAX_RETRY_AFTER_MS ? retryAfter * 1000 : undefined;
  const base = Math.min(INITIAL_DELAY_MS * 2 ** retry, MAX_DELAY_MS);
  return base * (1 - random() * 0.5);
}

/**
 * Whether an answer with this status may succeed if sent again (the hub may say otherwise in
 * `x-should-retry`). A 409 with `Retry-After` is the hub saying "the same request (same
 * Idempotency-Key) is still running: ask again shortly".
 */
export function isRetryableStatus(status: number, headers: Headers): boolean {
  const hint = headers.get('x-should-retry');
  if (hint === 'true') return true;
  if (hint === 'false') return false;
  if (status === 409) return headers.has('retry-after');
  return status === 408 || status === 429 || (status >= 500 && status !== 501);
}
