const MAX_DELAY_MS = 8 * 3_600_000;

/**
 * When a delivery whose attempt number `attempt` (1-based) just failed is tried next, or null when
 * its retry window (`retryUntil`) is over and it is marked failed. The waits grow fourfold from
 * `firstRetryMs` (5 s, 20 s, 80 s, 5 min, 21 min, 85 min, 5.7 h, then 8 h each: about ten attempts
 * in a day), with up to 10% of jitter so that many failures do not come back at once.
 */
export function nextAttemptAt(
  attempt: number,
  now: number,
  retryUntil: number,
  firstRetryMs: number,
  random: () => number = Math.random,
): number | null {
  const base = Math.min(firstRetryMs * 4 ** (attempt - 1), MAX_DELAY_MS);
  const next = now + Math.round(base * (1 + 0.1 * random()));
  if (now >= retryUntil) return null;
  // The last retry lands at the window's end rather than beyond it.
  return Math.min(next, retryUntil);
}
