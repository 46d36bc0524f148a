import { randomBytes } from 'node:crypto';

let lastMs = 0;
let seq = 0;
// randomBytes per id costs a syscall's worth; ids draw 8 bytes at a time from a pooled buffer.
const POOL_SIZE = 8 * 512;
let pool = randomBytes(POOL_SIZE);
let poolOffset = 0;

/** The id being encoded: ids are made synchronously, so one scratch buffer serves every call. */
const bytes = new Uint8Array(16);
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const ALPHABET_CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0));
const codes: number[] = new Array(26).fill(0);

/**
 * A new time-ordered id: `prefix_` + 26 base32 characters (48-bit millisecond time, 16-bit
 * per-millisecond sequence, 64 random bits). Ids sort by creation time, which keeps cursor
 * pagination and B-tree inserts cheap on both SQLite and PostgreSQL. Several are made per
 * gateway request: apart from the returned string, nothing is allocated.
 */
export function newId(prefix: string): string {
  const now = Date.now();
  if (now === lastMs) seq = (seq + 1) & 0xffff;
  else {
    lastMs = now;
    seq = 0;
  }
  const high = Math.floor(now / 0x1_0000_0000);
  const low = now >>> 0;
  bytes[0] = high >>> 8;
  bytes[1] = high & 0xff;
  bytes[2] = low >>> 24;
  bytes[3] = (low >>> 16) & 0xff;
  bytes[4] = (low >>> 8) & 0xff;
  bytes[5] = low & 0xff;
  bytes[6] = seq >>> 8;
  bytes[7] = seq & 0xff;
  if (poolOffset + 8 > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  for (let i = 0; i < 8; i++) bytes[8 + i] = pool[poolOffset + i]!;
  poolOffset += 8;
  return `${prefix}_${base32()}`;
}

/** `bytes` in base32 (Crockford's alphabet, lower case): 25 whole 5-bit groups, then 3 bits. */
function base32(): string {
  let bits = 0;
  let value = 0;
  let at = 0;
  for (let i = 0; i < 16; i++) {
    value = ((value << 8) | bytes[i]!) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      codes[at++] = ALPHABET_CODES[(value >>> (bits - 5)) & 31]!;
      bits -= 5;
    }
  }
  codes[at] = ALPHABET_CODES[(value << (5 - bits)) & 31]!;
  return String.fromCharCode.apply(null, codes);
}
