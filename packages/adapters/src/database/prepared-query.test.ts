import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../ids.js';
import { createTestDatabase, type TestDatabase, testDialects } from '../testing/test-database.js';
import { prepareQuery } from './prepared-query.js';
import type { Database } from './schema.js';

for (const dialect of await testDialects()) {
  describe(`prepareQuery: ${dialect}`, () => {
    let hub: TestDatabase;
    beforeAll(async () => {
      hub = await createTestDatabase(dialect);
    });
    afterAll(() => hub?.drop());

    const addAccount = async (balance: number) => {
      const id = newId('acc');
      await hub.db
        .insertInto('credit_accounts')
        .values({ id, code: `test:${id}`, user_id: null, balance, held: 0, created_at: 1, updated_at: 1 })
        .execute();
      return id;
    };

    it('runs a guarded update with new values on every bind, in the compiled parameter order', async () => {
      const guardedHold = prepareQuery<Database, { id: string; amount: number; now: number }>(
        hub.db,
        (db, param) =>
          db
            .updateTable('credit_accounts')
            .set((eb) => ({ held: eb('held', '+', param('amount')), updated_at: param('now') }))
            .where('id', '=', param('id'))
            .where(sql<boolean>`balance - held >= ${param('amount')}`)
            .returning(['balance', 'held']),
      );
      const a = await addAccount(100);
      const b = await addAccount(10);
      const first = await hub.db.executeQuery(guardedHold.bind({ id: a, amount: 60, now: 5 }));
      expect(first.rows).toEqual([{ balance: 100, held: 60 }]);
      // The guard refuses what the balance no longer covers, on the same statement.
      const refused = await hub.db.executeQuery(guardedHold.bind({ id: a, amount: 50, now: 6 }));
      expect(refused.rows).toEqual([]);
      const other = await hub.db.executeQuery(guardedHold.bind({ id: b, amount: 10, now: 7 }));
      expect(other.rows).toEqual([{ balance: 10, held: 10 }]);
      const rows = await hub.db
        .selectFrom('credit_accounts')
        .select(['id', 'held', 'updated_at'])
        .where('id', 'in', [a, b])
        .orderBy('balance', 'desc')
        .execute();
      expect(rows).toEqual([
        { id: a, held: 60, updated_at: 5 },
        { id: b, held: 10, updated_at: 7 },
      ]);
    });

    it('keeps values fixed at build time and runs inside a transaction', async () => {
      const insertFixed = prepareQuery<Database, { id: string; code: string }>(hub.db, (db, param) =>
        db.insertInto('credit_accounts').values({
          id: param('id'),
          code: param('code'),
          user_id: null,
          balance: 42,
          held: 0,
          created_at: 3,
          updated_at: 3,
        }),
      );
      const id = newId('acc');
      await hub.db
        .transaction()
        .execute((trx) => trx.executeQuery(insertFixed.bind({ id, code: `fixed:${id}` })));
      const row = await hub.db
        .selectFrom('credit_accounts')
        .select(['code', 'balance', 'created_at'])
        .where('id', '=', id)
        .executeTakeFirst();
      expect(row).toEqual({ code: `fixed:${id}`, balance: 42, created_at: 3 });
    });

    it('refuses a missing value and a placeholder the query does not use', () => {
      const byId = prepareQuery<Database, { id: string }>(hub.db, (db, param) =>
        db.selectFrom('credit_accounts').select('balance').where('id', '=', param('id')),
      );
      expect(() => byId.bind({} as { id: string })).toThrow('no value for parameter id');
      expect(() =>
        prepareQuery<Database, { id: string; unused: number }>(hub.db, (db, param) => {
          param('unused');
          return db.selectFrom('credit_accounts').select('balance').where('id', '=', param('id'));
        }),
      ).toThrow('parameter unused is not a parameter');
    });
  });
}
