import type { EventStream, StreamEvent, StreamGroupInfo } from '../coordination.js';
import { readOptions } from '../stream-read-options.js';

interface StoredEvent {
  id: string;
  type: string;
  /** Stored as JSON, as Redis does, so a reader never shares objects with the writer. */
  json: string;
}

/** An event delivered to a group and not acknowledged yet. */
interface Pending {
  event: StoredEvent;
  deliveredAt: number;
  deliveries: number;
}

interface Group {
  /** Index of the first event never delivered to the group. */
  next: number;
  /** In id order: entries keep their place when redelivered. */
  pending: Map<string, Pending>;
}

interface Log {
  events: StoredEvent[];
  groups: Map<string, Group>;
  lastMs: number;
  lastSeq: number;
}

/**
 * Streams with consumer groups in one process, with Redis Streams' ids and delivery rules. Each
 * stream keeps about its latest `maxLength` events: past that (plus a tenth, so trimming is
 * amortized), the oldest are dropped; events delivered and not yet acknowledged stay pending.
 */
export class MemoryEventStream implements EventStream {
  readonly #logs = new Map<string, Log>();
  readonly #waiters = new Set<{ stream: string; wake: () => void }>();
  #closed = false;

  constructor(
    private readonly now: () => number,
    /** The consumers are in this process and keep up; ~400 bytes an event stay in its heap. */
    private readonly maxLength = 10_000,
  ) {}

  async append(stream: string, type: string, data: Record<string, unknown>): Promise<string> {
    const log = this.#log(stream);
    const now = this.now();
    // `<ms>-<seq>` like Redis: monotonic even when the clock stalls or steps back.
    if (now > log.lastMs) [log.lastMs, log.lastSeq] = [now, 0];
    else log.lastSeq += 1;
    const id = `${log.lastMs}-${log.lastSeq}`;
    log.events.push({ id, type, json: JSON.stringify(data) });
    if (log.events.length > this.maxLength + Math.ceil(this.maxLength / 10)) {
      const dropped = log.events.length - this.maxLength;
      log.events.splice(0, dropped);
      for (const group of log.groups.values()) group.next = Math.max(0, group.next - dropped);
    }
    for (const waiter of this.#waiters) if (waiter.stream === stream) waiter.wake();
    return id;
  }

  async ensureGroup(stream: string, group: string): Promise<void> {
    const log = this.#log(stream);
    if (!log.groups.has(group)) log.groups.set(group, { next: 0, pending: new Map() });
  }

  async read(
    stream: string,
    group: string,
    // Who holds an event does not matter here: redelivery goes to whoever reads once it is stale.
    _consumer: string,
    opts?: { count?: number; blockMs?: number; claimAfterMs?: number },
  ): Promise<StreamEvent[]> {
    const { count, blockMs, claimAfterMs } = readOptions(opts);
    const [log, state] = this.#group(stream, group);
    const events = this.#claimStale(state, claimAfterMs, count);
    events.push(...this.#takeNew(log, state, count - events.length));
    if (events.length > 0 || blockMs === 0) return events;
    // Like XREADGROUP BLOCK: wait for new events only, until one is ours or time is up.
    const deadline = Date.now() + blockMs;
    for (let left = blockMs; left > 0 && !this.#closed; left = deadline - Date.now()) {
      await this.#nextAppend(stream, left);
      const fresh = this.#takeNew(log, state, count);
      if (fresh.length > 0) return fresh;
    }
    return [];
  }

  async ack(stream: string, group: string, ids: string[]): Promise<void> {
    const state = this.#logs.get(stream)?.groups.get(group);
    for (const id of ids) state?.pending.delete(id);
  }

  async groups(stream: string): Promise<StreamGroupInfo[]> {
    const log = this.#logs.get(stream);
    if (!log) return [];
    return [...log.groups].map(([group, state]) => ({
      group,
      lag: log.events.length - state.next,
      pending: state.pending.size,
    }));
  }

  /** Wakes blocked readers (they answer with nothing). */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiters) waiter.wake();
  }

  #claimStale(state: Group, claimAfterMs: number, count: number): StreamEvent[] {
    const now = this.now();
    const claimed: StreamEvent[] = [];
    for (const pending of state.pending.values()) {
      if (claimed.length >= count) break;
      if (now - pending.deliveredAt < claimAfterMs) continue;
      pending.deliveredAt = now;
      pending.deliveries += 1;
      claimed.push(toStreamEvent(pending.event, pending.deliveries));
    }
    return claimed;
  }

  #takeNew(log: Log, state: Group, count: number): StreamEvent[] {
    if (count <= 0) return [];
    const fresh = log.events.slice(state.next, state.next + count);
    state.next += fresh.length;
    const now = this.now();
    for (const event of fresh) state.pending.set(event.id, { event, deliveredAt: now, deliveries: 1 });
    return fresh.map((event) => toStreamEvent(event, 1));
  }

  #nextAppend(stream: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter = {
        stream,
        wake: () => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.wake, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  #log(stream: string): Log {
    let log = this.#logs.get(stream);
    if (!log) {
      log = { events: [], groups: new Map(), lastMs: 0, lastSeq: 0 };
      this.#logs.set(stream, log);
    }
    return log;
  }

  #group(stream: string, group: string): [Log, Group] {
    const log = this.#logs.get(stream);
    const state = log?.groups.get(group);
    if (!log || !state) throw new Error(`NOGROUP No such key '${stream}' or consumer group '${group}'`);
    return [log, state];
  }
}

function toStreamEvent(event: StoredEvent, deliveries: number): StreamEvent {
  return { id: event.id, type: event.type, data: JSON.parse(event.json), deliveries };
}
