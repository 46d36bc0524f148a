import {
  type DatabaseConnection,
  type Driver,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';

/**
 * The one lock on the SQLite connection, shared by Kysely and the group commit. `tryLock` takes
 * it at once when it is free, which is what lets a group commit start without waiting a turn.
 */
export class ConnectionLock {
  #held: Promise<void> | undefined;
  #release: (() => void) | undefined;

  /** Takes the lock if it is free; false when someone holds it. */
  tryLock(): boolean {
    if (this.#held) return false;
    this.#held = new Promise<void>((resolve) => {
      this.#release = resolve;
    });
    return true;
  }

  /** Waits for the lock and takes it. */
  async lock(): Promise<void> {
    while (!this.tryLock()) await this.#held;
  }

  unlock(): void {
    const release = this.#release;
    this.#held = undefined;
    this.#release = undefined;
    release?.();
  }
}

/**
 * Kysely's SQLite driver, its connection taken through a {@link ConnectionLock} the group commit
 * shares: whoever holds the lock has the connection (a Kysely transaction from its begin to its
 * commit, a group commit from its begin to its commit), the others wait.
 */
class LockedSqliteDriver implements Driver {
  constructor(
    private readonly inner: SqliteDriver,
    private readonly connectionLock: ConnectionLock,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.connectionLock.lock();
    return this.inner.acquireConnection();
  }

  async releaseConnection(): Promise<void> {
    try {
      await this.inner.releaseConnection();
    } finally {
      this.connectionLock.unlock();
    }
  }

  beginTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.beginTransaction(connection);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  savepoint(...args: Parameters<SqliteDriver['savepoint']>): Promise<void> {
    return this.inner.savepoint(...args);
  }

  rollbackToSavepoint(...args: Parameters<SqliteDriver['rollbackToSavepoint']>): Promise<void> {
    return this.inner.rollbackToSavepoint(...args);
  }

  releaseSavepoint(...args: Parameters<SqliteDriver['releaseSavepoint']>): Promise<void> {
    return this.inner.releaseSavepoint(...args);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** Kysely's SQLite dialect whose connection is taken through `lock`. */
export class LockedSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(
    config: SqliteDialectConfig,
    readonly lock: ConnectionLock,
  ) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new LockedSqliteDriver(new SqliteDriver(this.#config), this.lock);
  }
}
