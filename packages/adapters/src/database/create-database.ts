import type { HubDatabase } from './database.js';

/**
 * Opens the database named by a `DATABASE_URL`: `postgres://` or `postgresql://` for PostgreSQL,
 * anything else (a path, `file:path`, `sqlite:path`, `:memory:`) for SQLite. Only the driver in
 * use is loaded: a SQLite install never loads `pg`.
 */
export async function createDatabase(
  url: string,
  options: {
    poolSize?: number;
    schema?: string;
    sqliteSynchronous?: 'normal' | 'full';
    postgresSynchronousCommit?: 'off' | 'on';
    postgresPreparedStatements?: boolean;
  } = {},
): Promise<HubDatabase> {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const { createPostgresDatabase } = await import('./postgres/postgres-database.js');
    return createPostgresDatabase({
      connectionString: url,
      max: options.poolSize,
      schema: options.schema,
      synchronousCommit: options.postgresSynchronousCommit,
      preparedStatements: options.postgresPreparedStatements,
    });
  }
  const { createSqliteDatabase } = await import('./sqlite/sqlite-database.js');
  return createSqliteDatabase({
    filename: url.replace(/^(sqlite|file):(\/\/)?/i, ''),
    synchronous: options.sqliteSynchronous,
  });
}
