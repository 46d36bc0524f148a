/**
 * The coordination port: what replicas of the hub must agree on that is not money.
 *
 * Two adapters implement it: `createMemoryCoordination()` for a single node and
 * `createRedisCoordination({ client, keyPrefix })` when several replicas share the work.
 * Every key an adapter writes lives under its `keyPrefix`, so tests and tenants never collide.
 * The conformance suite in `./coordination.conformance.ts` runs over both.
 */
export interface Coordination {
  readonly rateLimiter: RateLimiter;
  readonly cache: Cache;
  readonly pubsub: PubSub;
  readonly events: EventStream;
  /** Answers when the backing store is reachable (used by `/readyz`). */
  ping(): Promise<boolean>;
  /** Stops timers and closes connections this adapter opened (not a client passed in). */
  close(): Promise<void>;
}

/** One window of a {@link RateLimiter.consumeAll} call. */
export interface RateLimitCheck {
  key: string;
  limit: number;
  windowMs: number;
  /** Default 1. */
  cost?: number;
}

/** The outcome of one rate-limit check. */
export interface RateLimitResult {
  /** True when the cost fit in the window and was counted. */
  allowed: boolean;
  /** What is left in the current window after this call (0 when refused). */
  remaining: number;
  /** The window's limit. */
  limit: number;
  /** Milliseconds until enough budget frees up for this cost (0 when allowed). */
  retryAfterMs: number;
}

/**
 * Atomic rate limiting: a sliding window (weighted over the previous fixed window), so a burst
 * at a window boundary never gets twice the limit. `cost` lets one check count tokens, not only requests.
 */
export interface RateLimiter {
  /**
   * Counts `cost` against `key` if it fits under `limit` per `windowMs`; otherwise counts nothing.
   * Atomic across every process that shares the adapter's store.
   */
  consume(key: string, opts: { limit: number; windowMs: number; cost?: number }): Promise<RateLimitResult>;
  /**
   * Several windows at once, all or nothing: counts every check's `cost` if each fits under its
   * own `limit`, otherwise counts none (a request refused by its token window does not use up its
   * request window). One round trip on Redis. `results` are in the order of `checks`, each saying
   * whether that window had room. Keys must differ.
   */
  consumeAll(checks: RateLimitCheck[]): Promise<{ allowed: boolean; results: RateLimitResult[] }>;
  /** Adds `cost` without checking (for charging what a finished request really used). */
  record(key: string, opts: { windowMs: number; cost: number }): Promise<void>;
  /** Several {@link record}s at once: one round trip on Redis. */
  recordAll(records: Array<{ key: string; windowMs: number; cost: number }>): Promise<void>;
  /** Forgets a key (for example after a successful login). */
  reset(key: string): Promise<void>;
}

/** A cache of strings with a time to live. */
export interface Cache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets only if absent; true when this call set it (a lock or a once-only marker). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Atomically adds `by` to an integer counter (created at 0), setting its TTL on creation. */
  increment(key: string, by: number, ttlMs: number): Promise<number>;
}

/** Fire-and-forget fan-out to every subscriber on every replica (live updates, not durable). */
export interface PubSub {
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is live; call the returned function to unsubscribe. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
}

/** An event read from a stream. */
export interface StreamEvent {
  /** The stream's id for the event (monotonic within a stream). */
  id: string;
  type: string;
  /** JSON-serialisable payload. */
  data: Record<string, unknown>;
  /** How many times it has been delivered to the group (1 on first delivery). */
  deliveries: number;
}

/**
 * A durable, append-only event stream with consumer groups: each event is delivered to one
 * consumer per group; an event not acknowledged within `claimAfterMs` is delivered again
 * (to any consumer of the group), so a crashed consumer loses nothing.
 */
export interface EventStream {
  /**
   * Appends an event; resolves with its id. Streams are capped: each keeps about its latest
   * `streamMaxLength` events (an adapter option; Redis 100,000, memory 10,000 by default), the
   * oldest dropped first (Redis' `MAXLEN ~`), so a stream nobody reads cannot grow forever (every
   * metered request appends one). A group that falls further behind than the cap misses what was
   * dropped.
   */
  append(stream: string, type: string, data: Record<string, unknown>): Promise<string>;
  /** Creates the group if absent; a new group starts at the stream's beginning. */
  ensureGroup(stream: string, group: string): Promise<void>;
  /**
   * Reads up to `count` events for `consumer`: first events of the group that were delivered but
   * not acknowledged for longer than `claimAfterMs` (redelivery), then new ones. Waits up to
   * `blockMs` (default 0: no wait) when there is nothing.
   */
  read(
    stream: string,
    group: string,
    consumer: string,
    opts?: { count?: number; blockMs?: number; claimAfterMs?: number },
  ): Promise<StreamEvent[]>;
  /** Acknowledges events so that they are never delivered to this group again. */
  ack(stream: string, group: string, ids: string[]): Promise<void>;
  /** Every consumer group of `stream` and how far behind it is (for monitoring); none for no stream. */
  groups(stream: string): Promise<StreamGroupInfo[]>;
}

/** How far one consumer group is behind its stream. */
export interface StreamGroupInfo {
  group: string;
  /** Events appended and not yet delivered to the group. */
  lag: number;
  /** Events delivered to the group and not acknowledged yet. */
  pending: number;
}
