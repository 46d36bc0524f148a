import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ConnectionLock, LockedSqliteDialect } from './locked-sqlite-dialect.js';

describe('ConnectionLock', () => {
  it('is taken at once when free, refused while held, and handed to one waiter at a time', async () => {
    const lock = new ConnectionLock();
    expect(lock.tryLock()).toBe(true);
    expect(lock.tryLock()).toBe(false);
    const order: string[] = [];
    const a = lock.lock().then(() => order.push('a'));
    const b = lock.lock().then(() => order.push('b'));
    await Promise.resolve();
    expect(order).toEqual([]);
    lock.unlock();
    await a;
    // `a` holds it now: `b` still waits.
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['a']);
    lock.unlock();
    await b;
    expect(order).toEqual(['a', 'b']);
    lock.unlock();
    expect(lock.tryLock()).toBe(true);
  });
});

describe('LockedSqliteDialect', () => {
  it("makes Kysely's queries and transactions wait while someone else holds the lock", async () => {
    const lock = new ConnectionLock();
    const db = new Kysely<Record<string, never>>({
      dialect: new LockedSqliteDialect({ database: new BetterSqlite3(':memory:') }, lock),
    });
    try {
      await sql`create table t (n integer)`.execute(db);
      expect(lock.tryLock()).toBe(true);
      let done = false;
      const write = db
        .transaction()
        .execute((trx) => sql`insert into t values (1)`.execute(trx))
        .then(() => {
          done = true;
        });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(done).toBe(false);
      lock.unlock();
      await write;
      expect(done).toBe(true);
      // Kysely released it: free again.
      expect(lock.tryLock()).toBe(true);
      lock.unlock();
      const { rows } = await sql<{ n: number }>`select n from t`.execute(db);
      expect(rows).toEqual([{ n: 1 }]);
    } finally {
      await db.destroy();
    }
  });
});
