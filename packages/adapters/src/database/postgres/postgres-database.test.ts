import { CompiledQuery, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { postgresAvailable, postgresUrlForTests } from '../../testing/services.js';
import type { HubDatabase } from '../database.js';
import { serverPrepared } from '../server-prepared.js';
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

describe.skipIf(!(await postgresAvailable()))('PostgreSQL prepared statements', () => {
  // A marked text, unique to this test file so that its statement name is its own.
  const marked = serverPrepared('select $1::int + $2::int as sum, current_setting($3) as setting');
  const prepared = (trx: Parameters<Parameters<HubDatabase['durableTransaction']>[0]>[0]) =>
    sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(trx);

  it('runs a serverPrepared text as a named statement on its connection, once parsed', async () => {
    const database = createPostgresDatabase({ connectionString: postgresUrlForTests, max: 1 });
    try {
      await database.db.transaction().execute(async (trx) => {
        for (const [a, b] of [
          [1, 2],
          [40, 2],
        ]) {
          const { rows } = await trx.executeQuery(
            CompiledQuery.raw(marked, [a, b, 'synchronous_commit']) as CompiledQuery<{ sum: number }>,
          );
          expect(rows[0]?.sum).toBe(a! + b!);
        }
        // Parsed once on this connection and kept: the same statement, one entry.
        const statements = (await prepared(trx)).rows.filter((r) => r.statement === marked);
        expect(statements).toHaveLength(1);
      });
      // Unmarked SQL stays unnamed.
      await database.db.transaction().execute(async (trx) => {
        await sql`select 1 + ${1}::int as two`.execute(trx);
        const texts = (await prepared(trx)).rows.map((r) => r.statement);
        expect(texts.some((t) => t.includes('select 1 +'))).toBe(false);
      });
    } finally {
      await database.close();
    }
  });

  it('prepares nothing with preparedStatements: false', async () => {
    const database = createPostgresDatabase({
      connectionString: postgresUrlForTests,
      max: 1,
      preparedStatements: false,
    });
    try {
      await database.db.transaction().execute(async (trx) => {
        const { rows } = await trx.executeQuery(
          CompiledQuery.raw(marked, [2, 3, 'synchronous_commit']) as CompiledQuery<{ sum: number }>,
        );
        expect(rows[0]?.sum).toBe(5);
        expect((await prepared(trx)).rows).toEqual([]);
      });
    } finally {
      await database.close();
    }
  });
});
