import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { type GroupCommitObserver, type HubDatabase, pingDatabase } from '../database.js';
import { createSqliteGroupCommit } from '../group-commit.js';
import { migrateToLatest } from '../migrate.js';
import type { Database } from '../schema.js';
import { ConnectionLock, LockedSqliteDialect } from './locked-sqlite-dialect.js';
import { startWalCheckpointer } from './wal-checkpointer.js';

export interface SqliteDatabaseOptions {
  /**
   * A file path, or `:memory:` for a throwaway database. A new file is created readable by this
   * user only (0600; SQLite gives its `-wal` and `-shm` files the same mode), and a missing folder
   * 0700: the database holds password and key hashes and the ledger.
   */
  filename: string;
  /** Milliseconds a writer waits for another process's lock before failing (default 5000). */
  busyTimeoutMs?: number;
  /**
   * Commit durability of ordinary transactions. `normal` (default): WAL commits survive a crash
   * of the process; an OS crash or power cut may roll back the last moments of them (never
   * corrupting the file). `full`: every commit is synced to disk (~4 ms each on a typical
   * virtual disk, blocking the event loop). `durableTransaction` is always `full`.
   */
  synchronous?: 'normal' | 'full';
  /**
   * Checkpoint the WAL from a worker thread (default true for a file; see `startWalCheckpointer`),
   * keeping the syncs of checkpoints off the event loop.
   */
  backgroundCheckpoints?: boolean;
}

/**
 * SQLite through better-sqlite3: WAL (readers never block the writer), a busy timeout, commits
 * that survive a process crash, and `durableTransaction` for commits that must survive a power
 * cut too. One connection per process: Kysely serialises transactions on it, which is what keeps
 * money operations atomic.
 */
export function createSqliteDatabase(options: SqliteDatabaseOptions): HubDatabase {
  const { filename, busyTimeoutMs = 5000, synchronous = 'normal' } = options;
  const inFile = filename !== ':memory:' && filename !== '';
  if (inFile) createPrivateFile(filename);
  const connection = new BetterSqlite3(filename, { timeout: busyTimeoutMs });
  connection.pragma('journal_mode = WAL');
  connection.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  connection.pragma('foreign_keys = ON');
  // Temporary files in memory, the statement journal first among them: the group commit runs each
  // unit in a savepoint, and SQLite copies every page a savepoint first changes to that journal,
  // which goes to a file past 64 KiB per transaction. On disk, that was ~30 of the ~35 write
  // calls per metered request under load (strace); in memory, the hub's event loop spent 229-234
  // instead of 248-249 us per request and served 3,780-3,860 instead of 3,480-3,530 req/s.
  connection.pragma('temp_store = MEMORY');
  connection.pragma(`busy_timeout = ${busyTimeoutMs}`);
  const checkpointer =
    inFile && (options.backgroundCheckpoints ?? true)
      ? startWalCheckpointer(filename, { busyTimeoutMs })
      : undefined;
  // The worker checkpoints; this connection only steps in past ~40 MB of WAL (default: ~4 MB).
  if (checkpointer) connection.pragma('wal_autocheckpoint = 10000');
  const statements = withStatementCache(connection);
  // One lock on the connection for Kysely and the group commit (which can take it synchronously).
  const lock = new ConnectionLock();
  const db = new Kysely<Database>({ dialect: new LockedSqliteDialect({ database: statements }, lock) });
  let observer: GroupCommitObserver | undefined;
  return {
    db,
    dialect: 'sqlite',
    migrate: () => migrateToLatest(db),
    groupCommit: createSqliteGroupCommit(lock, connection, statements, {
      onCommit: (stats) => observer?.(stats),
    }),
    observeGroupCommits(next) {
      observer = next;
    },
    durableTransaction(fn) {
      if (synchronous === 'full') return db.transaction().execute(fn);
      // One connection: holding it keeps other transactions from running under FULL meanwhile.
      return db.connection().execute(async (conn) => {
        await sql`pragma synchronous = FULL`.execute(conn);
        try {
          return await conn.transaction().execute(fn);
        } finally {
          await sql`pragma synchronous = NORMAL`.execute(conn);
        }
      });
    },
    ping: () => pingDatabase(db),
    async close() {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

/** Creates the database file (0600) and its missing folders (0700) unless the file exists. */
function createPrivateFile(filename: string): void {
  if (existsSync(filename)) return;
  mkdirSync(dirname(filename), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(filename, 'wx', 0o600));
  } catch (error) {
    // Another process created it first: it chose the mode.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * Kysely prepares every query anew; preparing costs as much as running a small statement. The
 * hub issues the same few statements over and over (holds, settles), so prepared statements are
 * kept by SQL text (least recently used out past `size`). Safe because better-sqlite3 runs a
 * statement to completion synchronously before the next one starts.
 */
function withStatementCache(connection: BetterSqlite3.Database, size = 256) {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => connection.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = connection.prepare(sql);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}
