import type { Database } from '@smart-ai-hub/adapters';
import type { FastifyBaseLogger } from 'fastify';
import type { Insertable, Kysely } from 'kysely';

export type UsageRow = Insertable<Database['usage_logs']>;

/**
 * Whether the database refused a statement for what its rows hold (so another row may go in),
 * rather than for a reason every row shares (unreachable, busy, the table missing), which waits
 * and retries. PostgreSQL: data exceptions (class 22: a NUL in text, a number out of range) and
 * integrity violations (class 23); SQLite: constraint, type and size errors; and a value the
 * driver cannot bind at all (a TypeError or RangeError).
 */
function refusedForItsRows(error: unknown): boolean {
  if (error instanceof TypeError || error instanceof RangeError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  if (/^2[23][0-9A-Z]{3}$/.test(code)) return true;
  return (
    code.startsWith('SQLITE_CONSTRAINT') ||
    ['SQLITE_MISMATCH', 'SQLITE_TOOBIG', 'SQLITE_RANGE'].includes(code)
  );
}

/** Rows per insert statement: 16 columns a row stays well under SQLite's 32,766 bound parameters. */
const ROWS_PER_STATEMENT = 1_000;

/**
 * Writes usage rows off the hot path: requests queue their row and go on; the writer inserts
 * the queue in one statement every `intervalMs` (default 50), or sooner once `batchSize` (default
 * 200) rows wait. Small, frequent batches: an insert blocks the event loop while it runs (SQLite
 * is synchronous), and 500 rows at once showed in the requests' p99 latency.
 *
 * One bad row never holds up the others: a statement the database refuses for its rows is split
 * in halves until the rows it refuses stand alone; those are logged and dropped (counted in
 * `dropped`), every other row lands. A failure that is no row's fault (the database unreachable)
 * keeps the rows queued (up to `maxQueued`) and retries a second later.
 */
export class UsageWriter {
  private queue: UsageRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<boolean> | undefined;
  private droppedRows = 0;
  private queuedRows = 0;
  private writtenRows = 0;
  private overflowedRows = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log: FastifyBaseLogger,
    private readonly options: { intervalMs?: number; batchSize?: number; maxQueued?: number } = {},
  ) {}

  /** Queues one row. */
  push(row: UsageRow): void {
    this.queue.push(row);
    this.queuedRows++;
    if (this.queue.length >= (this.options.batchSize ?? 200)) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.intervalMs ?? 50);
      this.timer.unref();
    }
  }

  /**
   * Inserts everything queued so far. Resolves true once nothing is left to write (every row is in
   * the database, or was refused for what it holds and dropped), false when a failure that is no
   * row's fault left rows queued (they are retried a second later).
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

  /** Rows the database refused for what they hold, logged and dropped since start. */
  get dropped(): number {
    return this.droppedRows;
  }

  /** Rows lost since start because the queue was full (`maxQueued`) while the database was failing. */
  get overflowed(): number {
    return this.overflowedRows;
  }

  /** Rows queued since start. */
  get queued(): number {
    return this.queuedRows;
  }

  /** Rows written since start. */
  get written(): number {
    return this.writtenRows;
  }

  private async insert(rows: UsageRow[]): Promise<boolean> {
    for (let written = 0; written < rows.length; written += ROWS_PER_STATEMENT) {
      const { unwritten, error } = await this.write(rows.slice(written, written + ROWS_PER_STATEMENT));
      if (unwritten.length === 0) continue;
      const left = unwritten.concat(rows.slice(written + ROWS_PER_STATEMENT));
      this.log.error({ err: error, rows: left.length }, 'usage rows not written; will retry');
      const max = this.options.maxQueued ?? 100_000;
      const waiting = left.concat(this.queue);
      this.overflowedRows += Math.max(0, waiting.length - max);
      this.queue = waiting.slice(-max);
      if (!this.timer) {
        this.timer = setTimeout(() => void this.flush(), 1_000);
        this.timer.unref();
      }
      return false;
    }
    return true;
  }

  /**
   * Inserts `rows`, isolating and dropping the rows the database refuses for what they hold.
   * Returns the rows a failure that is not theirs left unwritten (none when all is done).
   */
  private async write(rows: UsageRow[]): Promise<{ unwritten: UsageRow[]; error?: unknown }> {
    try {
      await this.db.insertInto('usage_logs').values(rows).execute();
      this.writtenRows += rows.length;
      return { unwritten: [] };
    } catch (error) {
      if (!refusedForItsRows(error)) return { unwritten: rows, error };
      if (rows.length === 1) {
        const [row] = rows;
        this.droppedRows++;
        this.log.error(
          { err: error, usageId: row!.id, requestId: row!.request_id, userId: row!.user_id },
          'usage row refused by the database; dropped',
        );
        return { unwritten: [] };
      }
      const half = Math.ceil(rows.length / 2);
      const first = await this.write(rows.slice(0, half));
      if (first.unwritten.length > 0) {
        return { unwritten: first.unwritten.concat(rows.slice(half)), error: first.error };
      }
      return this.write(rows.slice(half));
    }
  }
}
