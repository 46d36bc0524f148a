import type { Redis } from 'ioredis';

/** Idle connections kept for the next blocking read; more are closed once their read returns. */
const MAX_IDLE = 4;

/**
 * Connections of their own for XREADGROUP BLOCK: a blocked command holds its connection, so it
 * must never sit on the shared client. One per concurrent blocking read, opened on demand.
 */
export class BlockingConnections {
  readonly #open = new Set<Redis>();
  readonly #idle: Redis[] = [];
  #closed = false;

  constructor(private readonly client: Redis) {}

  get closed(): boolean {
    return this.#closed;
  }

  async use<T>(run: (connection: Redis) => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error('coordination is closed');
    const connection = this.#idle.pop() ?? this.#connect();
    try {
      return await run(connection);
    } finally {
      if (!this.#closed && this.#idle.length < MAX_IDLE) this.#idle.push(connection);
      else this.#drop(connection);
    }
  }

  /** Disconnects at once: a read still blocked rejects instead of holding up shutdown. */
  close(): void {
    this.#closed = true;
    for (const connection of this.#open) this.#drop(connection);
    this.#idle.length = 0;
  }

  #connect(): Redis {
    const connection = this.client.duplicate();
    this.#open.add(connection);
    return connection;
  }

  #drop(connection: Redis): void {
    this.#open.delete(connection);
    connection.disconnect();
  }
}
