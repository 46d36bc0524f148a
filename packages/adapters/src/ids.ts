import { randomBytes } from 'node:crypto';

let lastMs = 0;
let seq = 0;
// randomBytes per id costs a syscall's worth; ids draw 8 bytes at a time from a pooled buffer.
const POOL_SIZE = 8 * 512;
let pool = randomBytes(POOL_SIZE);
let poolOffset = 0;

/**
 * A new time-ordered id: `prefix_` + 26 base32 characters (48-bit millisecond time, 16-bit
 * per-millisecond sequence, 64 random bits). Ids sort by creation time, which keeps cursor
 * pagination and B-tree inserts cheap on both SQLite and PostgreSQL.
 */
export function newId(prefix: string): string {
  const now = Date.now();
  if (now === lastMs) seq = (seq + 1) & 0xffff;
  else {
    lastMs = now;
    seq = 0;
  }
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes.writeUInt16BE(seq, 6);
  if (poolOffset + 8 > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  pool.copy(bytes, 8, poolOffset, poolOffset + 8);
  poolOffset += 8;
  return `${prefix}_${base32(bytes)}`;
}

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}
