import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { createHashingGate, type HashingGate } from './hashing-gate.js';

/** scrypt parameters; stored with every hash, so raising them later still verifies old hashes. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** OWASP's current floor for scrypt: N=2^17, r=8, p=1 (128 MiB, ~0.3 s on one core here). */
export const OWASP_SCRYPT: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };
/** Cheap parameters for test suites only (`HUB_PASSWORD_HASH_COST=test`). */
export const TEST_SCRYPT: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };

const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/**
 * Hashes and verifies passwords with scrypt (no length truncation, unlike bcrypt).
 * Hashes read `scrypt$N$r$p$salt$key` (base64url), so the cost travels with each hash.
 */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** True when `password` matches `stored`; false for a malformed hash. Constant time in the key. */
  verify(password: string, stored: string): Promise<boolean>;
  /** Spends the time of one verification, so an unknown email answers as slowly as a wrong password. */
  burn(password: string): Promise<void>;
}

/**
 * `gate` bounds how many hashes run at once, sign-ins first (default: one slot per core, see
 * {@link createHashingGate}); a burst of sign-ups then delays a login by about one hash.
 */
export function createPasswordHasher(
  cost: ScryptCost = OWASP_SCRYPT,
  gate: HashingGate = createHashingGate(availableParallelism()),
): PasswordHasher {
  let dummy: Promise<string> | undefined;
  const hasher: PasswordHasher = {
    async hash(password) {
      const salt = randomBytes(16);
      const key = await gate.run('new-password', () => derive(password, salt, cost));
      return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join(
        '$',
      );
    },
    async verify(password, stored) {
      const parts = stored.split('$');
      if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
      const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
      if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0)) return false;
      const expected = Buffer.from(parts[5]!, 'base64url');
      const key = await gate.run('sign-in', () =>
        derive(password, Buffer.from(parts[4]!, 'base64url'), { N, r, p }),
      );
      return expected.length === key.length && timingSafeEqual(expected, key);
    },
    async burn(password) {
      dummy ??= hasher.hash('not a real password');
      await hasher.verify(password, await dummy);
    },
  };
  return hasher;
}
