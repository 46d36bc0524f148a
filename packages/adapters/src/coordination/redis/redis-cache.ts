import type { Redis } from 'ioredis';
import type { Cache } from '../coordination.js';

/** Strings with a TTL in Redis: SET PX, SET NX PX, and SET NX PX + INCRBY in one MULTI. */
export class RedisCache implements Cache {
  constructor(
    private readonly client: Redis,
    /** Prepended to every cache key. */
    private readonly prefix: string,
  ) {}

  async get(key: string): Promise<string | null> {
    return this.client.get(this.prefix + key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.client.set(this.prefix + key, value, 'PX', toPx(ttlMs));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.client.set(this.prefix + key, value, 'PX', toPx(ttlMs), 'NX')) === 'OK';
  }

  async delete(key: string): Promise<void> {
    await this.client.del(this.prefix + key);
  }

  async increment(key: string, by: number, ttlMs: number): Promise<number> {
    const name = this.prefix + key;
    // The NX SET creates the counter with its TTL only when absent; INCRBY keeps an existing TTL.
    const replies = await this.client.multi().set(name, '0', 'PX', toPx(ttlMs), 'NX').incrby(name, by).exec();
    const [, incremented] = replies ?? [];
    if (!incremented) throw new Error(`increment of ${key} was aborted`);
    if (incremented[0]) throw incremented[0];
    return Number(incremented[1]);
  }
}

/** PX takes a positive integer. */
function toPx(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}
