import type { RateLimitCheck, RateLimiter } from '@smart-ai-hub/adapters';
import { HubError } from '../../../http/hub-error.js';
import type { Principal } from '../../auth/principal.js';

export interface RateLimit {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

/** Limits per user and per API key (either may be absent: no limit). */
export interface RateLimits {
  user?: RateLimit;
  apiKey?: RateLimit;
}

/** Which of a caller's limits refused a request. */
export interface RateLimitRefusal {
  scope: 'user' | 'api_key';
  unit: 'requests' | 'tokens';
}

const MINUTE = 60_000;

function scopes(principal: Principal, limits: RateLimits): Array<[key: string, limit: RateLimit]> {
  const out: Array<[string, RateLimit]> = [];
  if (limits.user) out.push([`rl:user:${principal.userId}`, limits.user]);
  if (limits.apiKey && principal.apiKey) out.push([`rl:key:${principal.apiKey.id}`, limits.apiKey]);
  return out;
}

/**
 * Counts one request and its prompt tokens against the caller's per-minute limits, through the
 * coordination port (so the limits hold across replicas): every window in one atomic call (one
 * round trip on Redis), counted only if all fit. 429 `rate_limited` with `Retry-After` when a
 * limit is reached. Output tokens are added after the answer with {@link recordOutputTokens}.
 */
export async function checkRateLimits(
  limiter: RateLimiter,
  principal: Principal,
  limits: RateLimits,
  promptTokens: number,
  /** Told which limit refused, before the 429 is thrown (for metrics). */
  onRefused?: (refused: RateLimitRefusal) => void,
): Promise<void> {
  const checks: Array<RateLimitCheck & RateLimitRefusal> = [];
  for (const [key, limit] of scopes(principal, limits)) {
    const scope = key.startsWith('rl:key:') ? 'api_key' : 'user';
    if (limit.requestsPerMinute) {
      const max = limit.requestsPerMinute;
      checks.push({ key: `${key}:req`, limit: max, windowMs: MINUTE, cost: 1, scope, unit: 'requests' });
    }
    if (limit.tokensPerMinute) {
      const max = limit.tokensPerMinute;
      checks.push({
        key: `${key}:tok`,
        limit: max,
        windowMs: MINUTE,
        cost: Math.min(promptTokens, max),
        scope,
        unit: 'tokens',
      });
    }
  }
  if (checks.length === 0) return;
  const { allowed, results } = await limiter.consumeAll(checks);
  if (allowed) return;
  const refused = results.findIndex((result) => !result.allowed);
  const check = checks[refused]!;
  onRefused?.(check);
  const scope = check.scope === 'api_key' ? 'this API key' : 'this user';
  throw new HubError(
    429,
    'rate_limited',
    `Rate limit of ${check.limit} ${check.unit} per minute reached for ${scope}; retry after the Retry-After header's seconds`,
    { limit: check.limit },
    Math.max(1, Math.ceil(results[refused]!.retryAfterMs / 1000)),
  );
}

/** Adds a finished request's output tokens to the caller's token windows. */
export async function recordOutputTokens(
  limiter: RateLimiter,
  principal: Principal,
  limits: RateLimits,
  outputTokens: number,
): Promise<void> {
  if (outputTokens <= 0) return;
  const records = scopes(principal, limits)
    .filter(([, limit]) => limit.tokensPerMinute)
    .map(([key]) => ({ key: `${key}:tok`, windowMs: MINUTE, cost: outputTokens }));
  // The user's and the key's token windows in one call (one Redis round trip).
  await limiter.recordAll(records);
}
