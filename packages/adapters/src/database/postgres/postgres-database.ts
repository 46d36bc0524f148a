import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { type HubDatabase, pingDatabase } from '../database.js';
import { migrateToLatest } from '../migrate.js';
import type { Database } from '../schema.js';

export interface PostgresDatabaseOptions {
  /** `postgres://user:password@host:port/database` */
  connectionString: string;
  /** Pool size (default 10). */
  max?: number;
  /** A schema to use instead of `public` (tests give each run its own). Created if absent. */
  schema?: string;
}

/**
 * Ordinary (not durable) commits: the server acknowledges before the WAL is flushed. A server
 * crash may lose the last moments of such commits, never corrupt anything: the same promise as
 * SQLite's `synchronous = NORMAL`. What it buys: a transaction on a hot row (one user's account,
 * every request of one busy API key) releases its lock without waiting for a disk flush, so such
 * requests no longer queue one flush apart.
 */
const ORDINARY_COMMIT = CompiledQuery.raw('set local synchronous_commit = off');

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** pg returns int8 as strings; the hub's bigints are times and credit units, always safe integers. */
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
      if (oid === INT8_OID || oid === NUMERIC_OID) return parseSafeInteger;
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    types: types as pg.CustomTypesConfig,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    async migrate() {
      if (options.schema) await sql`create schema if not exists ${sql.id(options.schema)}`.execute(db);
      return migrateToLatest(db);
    },
    durableTransaction: (fn) => db.transaction().execute(fn),
    groupCommit: (fn) =>
      db.transaction().execute(async (trx) => {
        await trx.executeQuery(ORDINARY_COMMIT);
        return fn(trx);
      }),
    ping: () => pingDatabase(db),
    close: () => db.destroy(),
  };
}
