import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { HubDatabase } from '../database.js';
import { migrateToLatest } from '../migrate.js';
import type { Database } from '../schema.js';

export interface SqliteDatabaseOptions {
  /** A file path, or `:memory:` for a throwaway database. The folder is created if absent. */
  filename: string;
  /** Milliseconds a writer waits for another process's lock before failing (default 5000). */
  busyTimeoutMs?: number;
}

/**
 * SQLite through better-sqlite3: WAL (readers never block the writer), a busy timeout, and
 * `synchronous = FULL` so that a committed credit survives a power cut. One connection per
 * process: Kysely serialises transactions on it, which is what keeps money operations atomic.
 */
export function createSqliteDatabase(options: SqliteDatabaseOptions): HubDatabase {
  const { filename, busyTimeoutMs = 5000 } = options;
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
  const connection = new BetterSqlite3(filename, { timeout: busyTimeoutMs });
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = FULL');
  connection.pragma('foreign_keys = ON');
  connection.pragma(`busy_timeout = ${busyTimeoutMs}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
  return {
    db,
    dialect: 'sqlite',
    migrate: () => migrateToLatest(db),
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.destroy(),
  };
}
