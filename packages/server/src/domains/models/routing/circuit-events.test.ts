import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';

describe('circuit changes', () => {
  it('are told once when the circuit opens and once when it closes, not on a failed trial', () => {
    let now = 0;
    const changes: string[] = [];
    const breaker = new CircuitBreaker(
      2,
      1_000,
      () => now,
      (change) => changes.push(change),
    );
    breaker.failure();
    expect(changes).toEqual([]);
    breaker.failure();
    expect(changes).toEqual(['open']);
    now = 1_000;
    expect(breaker.tryPass()).toBe(true);
    breaker.failure(); // The trial failed: still open, nothing new.
    now = 2_000;
    expect(breaker.tryPass()).toBe(true);
    breaker.success();
    breaker.success();
    expect(changes).toEqual(['open', 'closed']);
  });
});
