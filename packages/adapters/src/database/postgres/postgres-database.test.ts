import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { postgresAvailable, postgresUrlForTests } from '../../testing/services.js';
import { createPostgresDatabase } from './postgres-database.js';

// Skips only when PostgreSQL is unreachable outside CI; in CI `postgresAvailable()` throws instead.
describe.skipIf(!(await postgresAvailable()))('PostgreSQL commit durability', () => {
  it.each([
    [undefined, 'off'],
    ['on', 'on'],
  ] as const)(
    'synchronousCommit %s gives ordinary commits synchronous_commit = %s',
    async (option, expected) => {
      const database = createPostgresDatabase({
        connectionString: postgresUrlForTests,
        max: 1,
        synchronousCommit: option,
      });
      try {
        const setting = () =>
          sql<{ value: string }>`select current_setting('synchronous_commit') as value`.execute(database.db);
        expect((await setting()).rows[0]?.value).toBe(expected);
        // Durable transactions wait for the flush either way.
        const durable = await database.durableTransaction((trx) =>
          sql<{ value: string }>`select current_setting('synchronous_commit') as value`.execute(trx),
        );
        expect(durable.rows[0]?.value).toBe('on');
      } finally {
        await database.close();
      }
    },
  );
});
