import type { RateLimiter } from '@smart-ai-hub/adapters';
import { HubError } from '../../http/hub-error.js';

/** Login attempts allowed per account and per client address in a sliding window. */
export interface LoginThrottleLimits {
  perAccount: number;
  perIp: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginThrottleLimits = {
  perAccount: 10,
  perIp: 100,
  windowMs: 15 * 60_000,
};

/**
 * Throttles password logins through the coordination port (so it holds across replicas). Every
 * attempt counts; a successful login clears the account's count. The window slides (refused
 * attempts are not counted), so a lockout ends at most two windows after the attempts that caused
 * it: the sliding estimate weighs the previous fixed window too. An attacker can slow an account,
 * never lock it for good.
 */
export function createLoginThrottle(
  limiter: RateLimiter,
  limits: LoginThrottleLimits = DEFAULT_LOGIN_LIMITS,
) {
  const accountKey = (email: string) => `auth:login:account:${email}`;
  return {
    /** Counts one attempt; throws 429 `rate_limited` with `Retry-After` when over either limit. */
    async attempt(email: string, ip: string): Promise<void> {
      for (const [key, limit] of [
        [`auth:login:ip:${ip}`, limits.perIp],
        [accountKey(email), limits.perAccount],
      ] as const) {
        const result = await limiter.consume(key, { limit, windowMs: limits.windowMs });
        if (!result.allowed) {
          throw new HubError(
            429,
            'rate_limited',
            'Too many sign-in attempts: wait before trying again',
            undefined,
            Math.max(1, Math.ceil(result.retryAfterMs / 1000)),
          );
        }
      }
    },
    /** Clears the account's count after a successful login. */
    succeeded(email: string): Promise<void> {
      return limiter.reset(accountKey(email));
    },
  };
}
