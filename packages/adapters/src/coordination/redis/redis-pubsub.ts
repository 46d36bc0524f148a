import type { Redis } from 'ioredis';
import type { PubSub } from '../coordination.js';
import { deliver } from '../deliver.js';

interface Channel {
  handlers: Set<(message: string) => void>;
  /** Settles when Redis confirmed the SUBSCRIBE. */
  live: Promise<unknown>;
}

/**
 * Redis pub/sub. A connection in subscriber mode can run nothing else, so subscriptions share one
 * duplicate of the client, opened on the first `subscribe` and holding one SUBSCRIBE per channel.
 */
export class RedisPubSub implements PubSub {
  readonly #channels = new Map<string, Channel>();
  #subscriber: Redis | undefined;
  #closed = false;

  constructor(
    private readonly client: Redis,
    /** Prepended to every channel. */
    private readonly prefix: string,
  ) {}

  async publish(channel: string, message: string): Promise<void> {
    await this.client.publish(this.prefix + channel, message);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    if (this.#closed) throw new Error('coordination is closed');
    const name = this.prefix + channel;
    let entry = this.#channels.get(name);
    if (!entry) {
      entry = { handlers: new Set(), live: this.#connection().subscribe(name) };
      this.#channels.set(name, entry);
    }
    const current = entry;
    // A wrapper of its own, so subscribing the same function twice needs two unsubscribes.
    const handler = (message: string) => deliver(onMessage, message);
    current.handlers.add(handler);
    const unsubscribe = async () => {
      if (!current.handlers.delete(handler) || current.handlers.size > 0) return;
      if (this.#channels.get(name) === current) this.#channels.delete(name);
      if (!this.#closed) await this.#subscriber?.unsubscribe(name);
    };
    try {
      await current.live;
    } catch (error) {
      await unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#channels.clear();
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  #connection(): Redis {
    if (!this.#subscriber) {
      this.#subscriber = this.client.duplicate();
      this.#subscriber.on('message', (channel: string, message: string) => {
        const entry = this.#channels.get(channel);
        if (entry) for (const handler of entry.handlers) handler(message);
      });
    }
    return this.#subscriber;
  }
}
