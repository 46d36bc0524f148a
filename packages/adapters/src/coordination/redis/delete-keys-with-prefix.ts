import type { Redis } from 'ioredis';

/** Deletes every key under `prefix` (SCAN + UNLINK, never KEYS); resolves with how many went. */
export async function deleteKeysWithPrefix(client: Redis, prefix: string): Promise<number> {
  const match = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', match, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await client.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
