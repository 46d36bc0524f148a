import { type Kysely, sql, type Transaction } from 'kysely';
import type { CommitUnit } from './group-commit.js';
import type { Database } from './schema.js';

/** Which SQL engine is behind a {@link HubDatabase}. */
export type DatabaseDialect = 'sqlite' | 'postgres';

/**
 * The storage port: a Kysely instance over the hub's schema plus what the hub needs around it.
 * Domains use `db` directly (Kysely *is* the query interface); they never see the driver.
 */
export interface HubDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: DatabaseDialect;
  /**
   * Runs `fn` in a transaction whose commit is on disk before this resolves, even where ordinary
   * commits are only crash-safe (SQLite with `synchronous = NORMAL`: this one commits with FULL).
   * For money entering or leaving the hub (payments, grants, refunds). On PostgreSQL (whose
   * ordinary commits do not wait for the WAL flush) this one does.
   */
  durableTransaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /**
   * Runs a small write unit (compiled statements only, on the `tx` it is given: see `prepareQuery`)
   * in a transaction it may share with other units.
   * SQLite: the units queued in one event-loop turn share one transaction and one commit, and each
   * still succeeds or fails alone (see `createSqliteGroupCommit`: a unit may run twice, the first
   * run rolled back, so it must do nothing but its statements). PostgreSQL:
   * a transaction of its own (the server already groups commits; sharing one transaction there
   * would hold row locks across units and let replicas deadlock each other). Ordinary durability
   * on both: a crash of the machine (SQLite) or of the server (PostgreSQL) may lose the last
   * moments of these commits, never corrupt; money entering or leaving uses `durableTransaction`.
   */
  groupCommit<T>(fn: CommitUnit<T>): Promise<T>;
  /**
   * Tells `observer` of every commit `groupCommit` makes (how many units shared it, how long it
   * took), for metrics; `undefined` stops telling. One observer at a time: the last one set.
   */
  observeGroupCommits(observer: GroupCommitObserver | undefined): void;
  /** Brings the schema to the latest migration; refuses a database newer than this code. */
  migrate(): Promise<MigrationReport>;
  /** True when a trivial query answers (used by `/readyz`). */
  ping(): Promise<boolean>;
  /** Closes the pool or file. */
  close(): Promise<void>;
}

/** One commit of {@link HubDatabase.groupCommit}'s units, as metrics see it. */
export interface GroupCommitStats {
  /** Units that shared the commit (1 on PostgreSQL, where each unit has its transaction). */
  units: number;
  /** From waiting for the connection to the end of the commit. */
  seconds: number;
  /** SQLite: a unit failed, so the group was rolled back and ran again with a savepoint per unit. */
  rerun: boolean;
  /** The transaction failed as a whole: none of its units was applied. */
  failed: boolean;
}

export type GroupCommitObserver = (stats: GroupCommitStats) => void;

export interface MigrationReport {
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** The latest migration now in the database. */
  current: string | null;
}

/** Raised when the database holds migrations this build does not know: it was written by newer code. */
export class DatabaseNewerThanCodeError extends Error {
  constructor(readonly unknownMigrations: string[]) {
    super(
      `The database was migrated by a newer version of Smart AI Hub (unknown migrations: ${unknownMigrations.join(
        ', ',
      )}). Upgrade the hub, or point DATABASE_URL at a database this version created.`,
    );
    this.name = 'DatabaseNewerThanCodeError';
  }
}

/** True when `error` is a unique-constraint violation, on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** True when a trivial query answers. */
export async function pingDatabase(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
