import { describe, expect, it } from 'vitest';
import { isRetryableStatus, retryDelayMs } from './backoff.js';

describe('retryDelayMs', () => {
  it('waits what Retry-After says, in seconds, milliseconds or as a date', () => {
    expect(retryDelayMs(0, new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryDelayMs(3, new Headers({ 'retry-after-ms': '150' }))).toBe(150);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const fromDate = retryDelayMs(0, new Headers({ 'retry-after': inTenSeconds }));
    expect(fromDate).toBeGreaterThan(8_000);
    expect(fromDate).toBeLessThanOrEqual(10_000);
  });

  it('backs off exponentially with jitter when the hub gives no hint, capped at 8 s', () => {
    expect([0, 1, 2, 3].map((retry) => retryDelayMs(retry, undefined, () => 0))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect([0, 1, 2].map((retry) => retryDelayMs(retry, undefined, () => 1))).toEqual([250, 500, 1000]);
    expect(retryDelayMs(10, undefined, () => 0)).toBe(8000);
  });

  it('gives up on a Retry-After beyond a minute (the caller decides)', () => {
    expect(retryDelayMs(0, new Headers({ 'retry-after': '3600' }), () => 0)).toBeUndefined();
    expect(retryDelayMs(0, new Headers({ 'retry-after': '60' }), () => 0)).toBe(60_000);
  });
});

describe('isRetryableStatus', () => {
  it('retries 408, 429 and 5xx but 501, unless the hub says otherwise', () => {
    const none = new Headers();
    expect(
      [400, 401, 402, 404, 408, 409, 429, 500, 501, 502, 503, 504].filter((s) => isRetryableStatus(s, none)),
    ).toEqual([408, 429, 500, 502, 503, 504]);
    expect(isRetryableStatus(503, new Headers({ 'x-should-retry': 'false' }))).toBe(false);
    expect(isRetryableStatus(409, new Headers({ 'x-should-retry': 'true' }))).toBe(true);
    // An idempotent request still in progress: the hub answers 409 with Retry-After.
    expect(isRetryableStatus(409, new Headers({ 'retry-after': '1' }))).toBe(true);
  });
});
