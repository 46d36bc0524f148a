import type { Cache } from '../coordination.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/** A TTL cache in one process; expired entries read as absent and are swept away. */
export class MemoryCache implements Cache {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly now: () => number) {}

  async get(key: string): Promise<string | null> {
    return this.#live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.#live(key)) return false;
    this.#entries.set(key, { value, expiresAt: this.now() + ttlMs });
    return true;
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  async increment(key: string, by: number, ttlMs: number): Promise<number> {
    if (!Number.isSafeInteger(by)) throw new RangeError(`increment needs an integer, got ${by}`);
    const entry = this.#live(key);
    // Same refusal as Redis' INCRBY on a value that is not an integer.
    if (entry && !/^-?\d+$/.test(entry.value)) throw new Error(`ERR value is not an integer (key ${key})`);
    const next = (entry ? Number(entry.value) : 0) + by;
    this.#entries.set(key, { value: String(next), expiresAt: entry?.expiresAt ?? this.now() + ttlMs });
    return next;
  }

  /** Drops expired entries that nobody read again. */
  sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }

  /** How many entries are held, expired or not (for tests of the sweep). */
  get size(): number {
    return this.#entries.size;
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
