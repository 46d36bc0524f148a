import { performance } from 'node:perf_hooks';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { type GroupCommitObserver, type HubDatabase, pingDatabase } from '../database.js';
import type { CommitUnit } from '../group-commit.js';
import { migrateToLatest } from '../migrate.js';
import type { Database } from '../schema.js';
import { PreparingClient } from './preparing-client.js';

export interface PostgresDatabaseOptions {
  /** `postgres://user:password@host:port/database` */
  connectionString: string;
  /** Pool size (default 10). */
  max?: number;
  /** A schema to use instead of `public` (tests give each run its own). Created if absent. */
  schema?: string;
  /**
   * `synchronous_commit` of ordinary commits (default `off`: see below); `durableTransaction`
   * always waits for the flush.
   */
  synchronousCommit?: 'off' | 'on';
  /**
   * Run the hot path's statements (marked with `serverPrepared`) as named prepared statements
   * (default true). Turn off behind a pooler that cannot keep them per client connection
   * (PgBouncer in transaction mode before 1.21, or without `max_prepared_statements`).
   */
  preparedStatements?: boolean;
}

/**
 * Commits are ordinary by default (`synchronous_commit = off` for the pool's sessions): the
 * server acknowledges before the WAL is flushed. A server crash may lose the last moments of such
 * commits, never corrupt anything: the same promise as SQLite's `synchronous = NORMAL`.
 * `durableTransaction` (money entering or leaving the hub) waits for the flush. What it buys: a
 * write on a hot row (one user's account, every request of one busy API key) releases its lock
 * without waiting for a disk flush. Measured with 32 concurrent hold+settle pairs on one account
 * (as single statements): ~790 pairs/s waiting for each flush, ~2,000 without.
 */
const DURABLE_COMMIT = CompiledQuery.raw('set local synchronous_commit = on');

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** pg returns int8 as strings; the hub's bigint columns are times and credit units, always safe integers. */
function parseSafeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`Integer ${value} does not fit in a JS number`);
  return n;
}

/**
 * PostgreSQL through a pg pool. Money operations rely on row locks taken by guarded updates
 * (`update ... where balance - held >= $1`), which serialize under READ COMMITTED.
 */
export function createPostgresDatabase(options: PostgresDatabaseOptions): HubDatabase {
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === INT8_OID) return parseSafeInteger;
      // Sums (`sum(bigint)` is numeric) can outgrow 2^53: a plain number, which a caller that sums
      // unbounded amounts checks with `Number.isSafeInteger` (SQLite gives the same).
      if (oid === NUMERIC_OID) return Number;
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    types: types as pg.CustomTypesConfig,
    ...(options.preparedStatements === false ? {} : { Client: PreparingClient }),
    options: [
      `-c synchronous_commit=${options.synchronousCommit ?? 'off'}`,
      ...(options.schema ? [`-c search_path=${options.schema}`] : []),
    ].join(' '),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let observer: GroupCommitObserver | undefined;
  return {
    db,
    dialect: 'postgres',
    async migrate() {
      if (options.schema) await sql`create schema if not exists ${sql.id(options.schema)}`.execute(db);
      return migrateToLatest(db);
    },
    durableTransaction: (fn) =>
      db.transaction().execute(async (trx) => {
        await trx.executeQuery(DURABLE_COMMIT);
        return fn(trx);
      }),
    groupCommit: (fn) => (observer ? observedTransaction(db, fn, observer) : db.transaction().execute(fn)),
    observeGroupCommits(next) {
      observer = next;
    },
    ping: () => pingDatabase(db),
    close: () => db.destroy(),
  };
}

/** A unit's own transaction, timed for the commit observer (one unit; failed when it threw). */
async function observedTransaction<T>(
  db: Kysely<Database>,
  fn: CommitUnit<T>,
  observer: GroupCommitObserver,
): Promise<T> {
  const startedAt = performance.now();
  let failed = true;
  try {
    const result = await db.transaction().execute(fn);
    failed = false;
    return result;
  } finally {
    observer({ units: 1, seconds: (performance.now() - startedAt) / 1000, rerun: false, failed });
  }
}
