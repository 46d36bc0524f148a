/** How the router retries one deployment before falling back to the next. */
export interface RetryPolicy {
  /** Retries per deployment (0: go straight to the next deployment). */
  maxRetries: number;
  /** First backoff, ms; doubles with each retry. */
  baseDelayMs: number;
  /** The longest the router waits; a longer `Retry-After` means "fall back now". */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 2, baseDelayMs: 200, maxDelayMs: 8_000 };

/**
 * The wait before retry number `retry` (0-based): the upstream's `Retry-After` when it gave one,
 * otherwise exponential backoff with equal jitter (half fixed, half random). `undefined` when the wait is longer than the
 * policy allows (then the router falls back instead of waiting).
 */
export function retryDelay(
  policy: RetryPolicy,
  retry: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number | undefined {
  if (retryAfterMs !== undefined) return retryAfterMs <= policy.maxDelayMs ? retryAfterMs : undefined;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
