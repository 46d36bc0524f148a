import { describe, expect, it } from 'vitest';
import { nextAttemptAt } from './retry-schedule.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('the retry schedule', () => {
  it('waits four times longer after each failure, at most 8 hours, for a day, then gives up', () => {
    const noJitter = () => 0;
    const times: number[] = [];
    let now = 0;
    for (let attempt = 1; ; attempt++) {
      const next = nextAttemptAt(attempt, now, DAY, 5_000, noJitter);
      if (next === null) break;
      times.push(next - now);
      now = next;
    }
    expect(times.slice(0, 6)).toEqual([5_000, 20_000, 80_000, 320_000, 1_280_000, 5_120_000]);
    expect(Math.max(...times)).toBeLessThanOrEqual(8 * HOUR);
    expect(now).toBe(DAY);
    expect(times.length).toBeGreaterThanOrEqual(9);
    expect(times.length).toBeLessThanOrEqual(11);
  });

  it('adds at most 10% of jitter', () => {
    expect(nextAttemptAt(1, 0, DAY, 5_000, () => 1)).toBe(5_500);
    expect(nextAttemptAt(2, 0, DAY, 5_000, () => 0.5)).toBe(21_000);
  });
});
