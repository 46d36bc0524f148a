import type { Database } from '@smart-ai-hub/adapters';
import type { FastifyBaseLogger } from 'fastify';
import type { Insertable, Kysely } from 'kysely';

export type UsageRow = Insertable<Database['usage_logs']>;

/**
 * Writes usage rows off the hot path: requests queue their row and go on; the writer inserts
 * the queue in one statement every `intervalMs` (default 50), or sooner once `batchSize` (default
 * 200) rows wait. Small, frequent batches: an insert blocks the event loop while it runs (SQLite
 * is synchronous), and 500 rows at once showed in the requests' p99 latency. A failed insert is
 * retried on the next flush (rows are kept, up to `maxQueued`).
 */
export class UsageWriter {
  private queue: UsageRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<boolean> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log: FastifyBaseLogger,
    private readonly options: { intervalMs?: number; batchSize?: number; maxQueued?: number } = {},
  ) {}

  /** Queues one row. */
  push(row: UsageRow): void {
    this.queue.push(row);
    if (this.queue.length >= (this.options.batchSize ?? 200)) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.intervalMs ?? 50);
      this.timer.unref();
    }
  }

  /**
   * Inserts everything queued so far. Resolves true once it is all in the database, false when an
   * insert failed (the rows stay queued and are retried a second later).
   */
  async flush(): Promise<boolean> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return true;
    const rows = this.queue;
    this.queue = [];
    this.flushing = this.insert(rows).finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Rows waiting to be written. */
  get pending(): number {
    return this.queue.length;
  }

  private async insert(rows: UsageRow[]): Promise<boolean> {
    let written = 0;
    try {
      // 16 columns a row: stay well under SQLite's 32,766 bound parameters per statement.
      for (; written < rows.length; written += 1_000) {
        await this.db
          .insertInto('usage_logs')
          .values(rows.slice(written, written + 1_000))
          .execute();
      }
      return true;
    } catch (error) {
      this.log.error({ err: error, rows: rows.length - written }, 'usage rows not written; will retry');
      const max = this.options.maxQueued ?? 100_000;
      this.queue = rows.slice(written).concat(this.queue).slice(-max);
      if (!this.timer) {
        this.timer = setTimeout(() => void this.flush(), 1_000);
        this.timer.unref();
      }
      return false;
    }
  }
}
