import type { RateLimiter, RateLimitResult } from '@smart-ai-hub/adapters';
import { HubError } from '../../http/hub-error.js';
import { clientSource } from './client-source.js';

/** Login attempts allowed in a sliding window. */
export interface LoginThrottleLimits {
  /** On one account from one source: a stranger's guesses lock out that source, never the owner elsewhere. */
  perAccountAndSource: number;
  /** From one source across every account (one address spraying many accounts). */
  perSource: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginThrottleLimits = {
  perAccountAndSource: 10,
  perSource: 100,
  windowMs: 15 * 60_000,
};

/** A 429 `rate_limited` whose `Retry-After` is the longest wait among the refused windows. */
export function rateLimited(message: string, results: RateLimitResult[]): HubError {
  const waitMs = Math.max(0, ...results.filter((r) => !r.allowed).map((r) => r.retryAfterMs));
  return new HubError(429, 'rate_limited', message, undefined, Math.max(1, Math.ceil(waitMs / 1000)));
}

/**
 * Throttles password logins through the coordination port (so it holds across replicas). Each
 * attempt counts against its (account, source) pair and its source, both or neither; a successful
 * login clears the pair. The owner signing in from another address has a budget of their own, so
 * a stranger can slow an account from their address, never lock its owner out. The window slides
 * (refused attempts are not counted), so a lockout ends at most two windows after the attempts
 * that caused it. Sources are {@link clientSource}s (an IPv6 /64 is one source).
 */
export function createLoginThrottle(
  limiter: RateLimiter,
  limits: LoginThrottleLimits = DEFAULT_LOGIN_LIMITS,
) {
  const pairKey = (email: string, ip: string) => `auth:login:account:${email}:source:${clientSource(ip)}`;
  return {
    /** Counts one attempt; throws 429 `rate_limited` with `Retry-After` when over either limit. */
    async attempt(email: string, ip: string): Promise<void> {
      const { windowMs } = limits;
      const { allowed, results } = await limiter.consumeAll([
        { key: `auth:login:source:${clientSource(ip)}`, limit: limits.perSource, windowMs },
        { key: pairKey(email, ip), limit: limits.perAccountAndSource, windowMs },
      ]);
      if (!allowed) {
        throw rateLimited('Too many sign-in attempts from this address: wait before trying again', results);
      }
    },
    /** Clears the (account, source) count after a successful login. */
    succeeded(email: string, ip: string): Promise<void> {
      return limiter.reset(pairKey(email, ip));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
