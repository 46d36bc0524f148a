import { describe, expect, it } from 'vitest';
import { createPasswordHasher, OWASP_SCRYPT, TEST_SCRYPT } from './password-hasher.js';

describe('password hashing', () => {
  const hasher = createPasswordHasher(TEST_SCRYPT);

  it('verifies the right password only, with a fresh salt each time', async () => {
    const a = await hasher.hash('correct horse battery');
    const b = await hasher.hash('correct horse battery');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await hasher.verify('correct horse battery', a)).toBe(true);
    expect(await hasher.verify('correct horse batterY', a)).toBe(false);
    expect(await hasher.verify('x', 'not-a-hash')).toBe(false);
    expect(await hasher.verify('x', 'scrypt$0$8$1$aa$bb')).toBe(false);
  });

  it('does not truncate long passwords', async () => {
    const long = `${'a'.repeat(200)}!`;
    const hash = await hasher.hash(long);
    expect(await hasher.verify(long, hash)).toBe(true);
    expect(await hasher.verify('a'.repeat(200), hash)).toBe(false);
  });

  it('uses OWASP parameters by default and verifies hashes of either cost', async () => {
    expect(OWASP_SCRYPT).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    const strong = createPasswordHasher();
    const hash = await strong.hash('a strong one');
    expect(hash.startsWith('scrypt$131072$8$1$')).toBe(true);
    expect(await hasher.verify('a strong one', hash)).toBe(true);
  });
});
