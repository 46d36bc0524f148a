import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';

/** The id's 128 bits, decoded from its 26 base32 characters by BigInt arithmetic. */
function decode(id: string): bigint {
  const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
  let value = 0n;
  for (const c of id.slice(id.indexOf('_') + 1)) value = (value << 5n) | BigInt(alphabet.indexOf(c));
  return value >> 2n; // the last character carries 3 bits, padded with 2 zero bits
}

describe('newId', () => {
  it('is prefix_ and 26 base32 characters', () => {
    expect(newId('hold')).toMatch(/^hold_[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it('encodes the creation time in its first 48 bits', () => {
    const before = Date.now();
    const id = newId('x');
    const after = Date.now();
    const ms = Number(decode(id) >> 80n);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
  });

  it('sorts in creation order and never repeats, many per millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => newId('t'));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // The sequence counts up within a millisecond (bits 64-79), from 0 on each new one.
    const parts = ids.map((id) => ({ ms: decode(id) >> 80n, seq: Number((decode(id) >> 64n) & 0xffffn) }));
    for (let i = 1; i < parts.length; i++) {
      const { ms, seq } = parts[i]!;
      expect(seq).toBe(ms === parts[i - 1]!.ms ? parts[i - 1]!.seq + 1 : 0);
    }
  });

  it('ends in 64 random bits', () => {
    const randoms = new Set(Array.from({ length: 1_000 }, () => decode(newId('r')) & 0xffff_ffff_ffff_ffffn));
    expect(randoms.size).toBe(1_000);
  });
});
