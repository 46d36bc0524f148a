import type { RateLimiter } from '@smart-ai-hub/adapters';
import { clientSource } from './client-source.js';
import { rateLimited } from './login-throttle.js';

/** A limit per sliding window. */
export interface FlowLimit {
  limit: number;
  windowMs: number;
}

/** The unauthenticated flows besides login, each throttled per source (and a reset email per account). */
export interface FlowThrottleLimits {
  /** Sign-ups from one source: each costs a password hash, the most expensive thing the hub does. */
  register: FlowLimit;
  /** Reset requests from one source (answered 429 whatever the account, so nothing leaks). */
  forgotPassword: FlowLimit;
  /** Reset emails sent to one account; past it the request still answers 202 and sends nothing. */
  resetEmailsPerAccount: FlowLimit;
  /** Reset attempts from one source (each valid one costs a password hash). */
  resetPassword: FlowLimit;
}

export const DEFAULT_FLOW_LIMITS: FlowThrottleLimits = {
  register: { limit: 20, windowMs: 3600_000 },
  forgotPassword: { limit: 10, windowMs: 15 * 60_000 },
  resetEmailsPerAccount: { limit: 5, windowMs: 3600_000 },
  resetPassword: { limit: 10, windowMs: 15 * 60_000 },
};

const refusals = {
  register: 'Too many sign-ups from this address: wait before trying again',
  forgotPassword: 'Too many password reset requests from this address: wait before trying again',
  resetPassword: 'Too many password resets from this address: wait before trying again',
} as const;

/** Throttles register, forgot-password and reset-password through the coordination port. */
export function createFlowThrottle(limiter: RateLimiter, limits: FlowThrottleLimits = DEFAULT_FLOW_LIMITS) {
  return {
    /** Counts one attempt of the flow from `ip`; throws 429 `rate_limited` with `Retry-After` past the limit. */
    async attempt(flow: keyof typeof refusals, ip: string): Promise<void> {
      const result = await limiter.consume(`auth:${flow}:source:${clientSource(ip)}`, limits[flow]);
      if (!result.allowed) throw rateLimited(refusals[flow], [result]);
    },
    /** True while the account may get another reset email (counts this one). */
    async mayMailReset(email: string): Promise<boolean> {
      const result = await limiter.consume(`auth:reset-email:account:${email}`, limits.resetEmailsPerAccount);
      return result.allowed;
    },
  };
}

export type FlowThrottle = ReturnType<typeof createFlowThrottle>;
