import type { RateLimiter } from '@smart-ai-hub/adapters';
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

const MINUTE = 60_000;

function scopes(principal: Principal, limits: RateLimits): Array<[key: string, limit: RateLimit]> {
  const out: Array<[string, RateLimit]> = [];
  if (limits.user) out.push([`rl:user:${principal.userId}`, limits.user]);
  if (limits.apiKey && principal.apiKey) out.push([`rl:key:${principal.apiKey.id}`, limits.apiKey]);
  return out;
}

/**
 * Counts one request and its prompt tokens against the caller's per-minute limits, through the
 * coordination port (so the limits hold across replicas); 429 `rate_limited` with `Retry-After`
 * when a limit is reached. Output tokens are added after the answer with {@link recordOutputTokens}.
 */
export async function checkRateLimits(
  limiter: RateLimiter,
  principal: Principal,
  limits: RateLimits,
  promptTokens: number,
): Promise<void> {
  for (const [key, limit] of scopes(principal, limits)) {
    const checks: Array<[string, number, number]> = [];
    if (limit.requestsPerMinute) checks.push([`${key}:req`, limit.requestsPerMinute, 1]);
    if (limit.tokensPerMinute) checks.push([`${key}:tok`, limit.tokensPerMinute, promptTokens]);
    for (const [name, max, cost] of checks) {
      const result = await limiter.consume(name, { limit: max, windowMs: MINUTE, cost: Math.min(cost, max) });
      if (!result.allowed) {
        const what = name.endsWith(':req') ? `${max} requests` : `${max} tokens`;
        const whose = key.startsWith('rl:key:') ? 'this API key' : 'this user';
        throw new HubError(
          429,
          'rate_limited',
          `Rate limit of ${what} per minute reached for ${whose}; retry after the Retry-After header's seconds`,
          { limit: max },
          Math.max(1, Math.ceil(result.retryAfterMs / 1000)),
        );
      }
    }
  }
}

/** Adds a finished request's output tokens to the caller's token windows. */
export async function recordOutputTokens(
  limiter: RateLimiter,
  principal: Principal,
  limits: RateLimits,
  outputTokens: number,
): Promise<void> {
  if (outputTokens <= 0) return;
  for (const [key, limit] of scopes(principal, limits)) {
    if (limit.tokensPerMinute) await limiter.record(`${key}:tok`, { windowMs: MINUTE, cost: outputTokens });
  }
}
