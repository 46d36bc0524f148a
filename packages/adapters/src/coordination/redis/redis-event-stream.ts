import type { EventStream, StreamEvent, StreamGroupInfo } from '../coordination.js';
import { readOptions } from '../stream-read-options.js';
import type { BlockingConnections } from './blocking-connections.js';
import type { HubRedis } from './hub-commands.js';

/** XREADGROUP's reply: per stream, its entries as [id, [field, value, ...]]. */
type ReadReply = Array<[stream: string, entries: Array<[id: string, fields: string[]]>]> | null;

/** Event streams on Redis Streams: each event an entry with a `type` and a JSON `data` field. */
export class RedisEventStream implements EventStream {
  constructor(
    private readonly client: HubRedis,
    private readonly blocking: BlockingConnections,
    /** Prepended to every stream name. */
    private readonly prefix: string,
    /** Entries each stream keeps, about: `MAXLEN ~` trims whole nodes, cheaply. */
    private readonly maxLength = 100_000,
  ) {}

  async append(stream: string, type: string, data: Record<string, unknown>): Promise<string> {
    const id = await this.client.xadd(
      this.prefix + stream,
      'MAXLEN',
      '~',
      this.maxLength,
      '*',
      'type',
      type,
      'data',
      JSON.stringify(data),
    );
    return id as string;
  }

  async ensureGroup(stream: string, group: string): Promise<void> {
    try {
      await this.client.xgroup('CREATE', this.prefix + stream, group, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
    }
  }

  async read(
    stream: string,
    group: string,
    consumer: string,
    opts?: { count?: number; blockMs?: number; claimAfterMs?: number },
  ): Promise<StreamEvent[]> {
    const { count, blockMs, claimAfterMs } = readOptions(opts);
    const key = this.prefix + stream;
    const claimed = await this.client.smartHubClaimStale(key, group, consumer, claimAfterMs, count);
    const events = claimed.map(([id, fields, deliveries]) => toStreamEvent(id, fields, deliveries));
    if (events.length >= count) return events;
    const args = ['GROUP', group, consumer, 'COUNT', count - events.length] as const;
    let reply: ReadReply;
    if (events.length > 0 || blockMs === 0) {
      reply = (await this.client.call('XREADGROUP', ...args, 'STREAMS', key, '>')) as ReadReply;
    } else {
      try {
        reply = (await this.blocking.use((connection) =>
          connection.call('XREADGROUP', ...args, 'BLOCK', blockMs, 'STREAMS', key, '>'),
        )) as ReadReply;
      } catch (error) {
        if (this.blocking.closed) return [];
        throw error;
      }
    }
    for (const [id, fields] of reply?.[0]?.[1] ?? []) events.push(toStreamEvent(id, fields, 1));
    return events;
  }

  async ack(stream: string, group: string, ids: string[]): Promise<void> {
    if (ids.length > 0) await this.client.xack(this.prefix + stream, group, ...ids);
  }

  async groups(stream: string): Promise<StreamGroupInfo[]> {
    const key = this.prefix + stream;
    let reply: unknown[][];
    try {
      reply = (await this.client.call('XINFO', 'GROUPS', key)) as unknown[][];
    } catch (error) {
      if (error instanceof Error && /no such key/i.test(error.message)) return [];
      throw error;
    }
    return Promise.all(
      reply.map(async (fields) => {
        const info = new Map<string, unknown>();
        for (let i = 0; i + 1 < fields.length; i += 2) info.set(String(fields[i]), fields[i + 1]);
        const group = String(info.get('name'));
        // `lag` (Redis 7) is null when Redis cannot tell (entries deleted inside the range): count.
        const lag = info.get('lag');
        const behind =
          typeof lag === 'number'
            ? lag
            : await this.countAfter(key, String(info.get('last-delivered-id') ?? '0-0'));
        return { group, lag: behind, pending: Number(info.get('pending') ?? 0) };
      }),
    );
  }

  /** Entries after `id` (at most the stream's cap). */
  private async countAfter(key: string, id: string): Promise<number> {
    const entries = (await this.client.call(
      'XRANGE',
      key,
      `(${id}`,
      '+',
      'COUNT',
      this.maxLength,
    )) as unknown[];
    return entries.length;
  }
}

function toStreamEvent(id: string, fields: string[], deliveries: number): StreamEvent {
  let type = '';
  let data: Record<string, unknown> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'type') type = fields[i + 1]!;
    else if (fields[i] === 'data') data = JSON.parse(fields[i + 1]!);
  }
  return { id, type, data, deliveries };
}
