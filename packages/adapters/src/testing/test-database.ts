import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase } from '../database/create-database.js';
import type { DatabaseDialect, HubDatabase } from '../database/database.js';
import { postgresAvailable, postgresUrlForTests } from './services.js';

/** A migrated database of its own for one test file; `drop()` closes and deletes it. */
export interface TestDatabase extends HubDatabase {
  /** The URL it lives at (a PostgreSQL database of its own, or `:memory:`). */
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates a fresh, migrated database: SQLite in memory, or a new PostgreSQL database
 * (`hub_test_<random>`) that `drop()` removes. `migrate: false` leaves it empty (migration tests).
 */
export async function createTestDatabase(
  dialect: DatabaseDialect,
  { migrate = true }: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const hub = await createDatabase(':memory:');
    if (migrate) await hub.migrate();
    return { ...hub, url: ':memory:', drop: () => hub.close() };
  }
  const name = `hub_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrlForTests });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(postgresUrlForTests);
  url.pathname = `/${name}`;
  const hub = await createDatabase(url.toString(), { poolSize: 20 });
  if (migrate) await hub.migrate();
  return {
    ...hub,
    url: url.toString(),
    async drop() {
      await hub.close();
      const client = new pg.Client({ connectionString: postgresUrlForTests });
      await client.connect();
      try {
        // pool.end() resolves before the server has seen every socket close; dropping with
        // (force) then would kill sessions that are still being torn down (57P01 in the client).
        for (let i = 0; i < 50; i++) {
          const { rows } = await client.query(
            'select count(*)::int as n from pg_stat_activity where datname = $1',
            [name],
          );
          if (rows[0].n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * The dialects a suite should run over here: SQLite always; PostgreSQL when reachable (and always in CI).
 * Use with `describe.each(await testDialects())`.
 */
export async function testDialects(): Promise<DatabaseDialect[]> {
  return (await postgresAvailable()) ? ['sqlite', 'postgres'] : ['sqlite'];
}
