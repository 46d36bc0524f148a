import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';
import { retryDelay } from './retry-policy.js';

describe('the circuit breaker', () => {
  it('opens after the threshold, lets one trial through after the cooldown, and closes on success', () => {
    let now = 0;
    const breaker = new CircuitBreaker(2, 1_000, () => now);
    breaker.failure();
    expect(breaker.tryPass()).toBe(true);
    breaker.failure();
    expect(breaker.snapshot()).toEqual({ state: 'open', consecutiveFailures: 2, retryAt: 1_000 });
    expect(breaker.tryPass()).toBe(false);
    now = 1_000;
    expect(breaker.tryPass()).toBe(true);
    expect(breaker.tryPass()).toBe(false);
    breaker.failure();
    expect(breaker.snapshot().state).toBe('open');
    now = 2_000;
    expect(breaker.tryPass()).toBe(true);
    breaker.success();
    expect(breaker.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 0, retryAt: null });
  });
});

describe('retry delays', () => {
  const policy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1_000 };
  it('grows exponentially with jitter, capped', () => {
    expect(retryDelay(policy, 0, undefined, () => 0)).toBe(50);
    expect(retryDelay(policy, 0, undefined, () => 1)).toBe(100);
    expect(retryDelay(policy, 2, undefined, () => 1)).toBe(400);
    expect(retryDelay(policy, 8, undefined, () => 1)).toBe(1_000);
  });
  it('honours Retry-After, or gives up waiting when it is longer than the policy allows', () => {
    expect(retryDelay(policy, 0, 700)).toBe(700);
    expect(retryDelay(policy, 0, 5_000)).toBeUndefined();
  });
});
