import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../ids.js';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import {
  type DatabaseDialect,
  DatabaseNewerThanCodeError,
  type GroupCommitStats,
  isUniqueViolation,
} from './database.js';
import type { QueryRunner, CommitUnit as Unit } from './group-commit.js';
import { migrations } from './migrations/index.js';

const TABLES = [
  'hub_settings',
  'users',
  'sessions',
  'refresh_tokens',
  'api_keys',
  'oauth_identities',
  'one_time_tokens',
  'credit_accounts',
  'ledger_transactions',
  'ledger_postings',
  'credit_holds',
  'idempotency_records',
  'payment_events',
  'usage_logs',
];

/** The storage port's contract, run identically over every dialect. */
export function describeDatabaseConformance(dialect: DatabaseDialect): void {
  describe(`database conformance: ${dialect}`, () => {
    let hub: TestDatabase;
    beforeAll(async () => {
      hub = await createTestDatabase(dialect);
    });
    afterAll(async () => {
      await hub?.drop();
    });

    const insertUser = (email: string, createdAt = Date.now()) =>
      hub.db
        .insertInto('users')
        .values({ id: newId('usr'), email, role: 'user', created_at: createdAt, updated_at: createdAt })
        .returning('id')
        .executeTakeFirstOrThrow();

    const insertAccount = async (balance: number) => {
      const id = newId('acc');
      await hub.db
        .insertInto('credit_accounts')
        .values({ id, code: `test:${id}`, user_id: null, balance, held: 0, created_at: 1, updated_at: 1 })
        .execute();
      return id;
    };

    it('creates every table, and migrating again applies nothing', async () => {
      const names = (await hub.db.introspection.getTables()).map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(TABLES));
      expect(await hub.migrate()).toEqual({ applied: [], current: Object.keys(migrations).sort().at(-1) });
      expect(await hub.ping()).toBe(true);
    });

    it('round-trips large integers (times, credit units) as JS numbers', async () => {
      const big = 2 ** 45 + 7;
      const { id } = await insertUser(`big-${newId('x')}@example.com`, big);
      const row = await hub.db
        .selectFrom('users')
        .select('created_at')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row.created_at).toBe(big);
      const sum = await hub.db
        .selectFrom('users')
        .select((eb) => eb.fn.sum<number>('created_at').as('total'))
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(Number(sum.total)).toBe(big);
    });

    it('reports unique violations the same way on every dialect', async () => {
      const email = `dup-${newId('x')}@example.com`;
      await insertUser(email);
      const error = await insertUser(email).catch((e: unknown) => e);
      expect(isUniqueViolation(error)).toBe(true);
      expect(isUniqueViolation(new Error('other'))).toBe(false);
    });

    it('rolls a failed transaction back completely', async () => {
      const email = `rollback-${newId('x')}@example.com`;
      await expect(
        hub.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('users')
            .values({ id: newId('usr'), email, role: 'user', created_at: 1, updated_at: 1 })
            .execute();
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const found = await hub.db.selectFrom('users').select('id').where('email', '=', email).execute();
      expect(found).toEqual([]);
    });

    it.each([
      ['transactions', <T>(fn: Unit<T>) => hub.db.transaction().execute(fn)],
      ['group commits', <T>(fn: Unit<T>) => hub.groupCommit(fn)],
    ])(
      'serializes concurrent guarded debits in %s: 100 holds of 1 against 10 give exactly 10',
      async (_, run) => {
        const accountId = await insertAccount(10);
        const debit = hub.db
          .updateTable('credit_accounts')
          .set((eb) => ({ held: eb('held', '+', 1) }))
          .where('id', '=', accountId)
          .where(sql<boolean>`balance - held >= ${1}`)
          .compile();
        const attempt = () =>
          run(async (tx) => {
            const updated = await tx.executeQuery(debit);
            if (Number(updated.numAffectedRows) !== 1) return false;
            await tx.executeQuery(
              hub.db
                .insertInto('credit_holds')
                .values({
                  id: newId('hold'),
                  account_id: accountId,
                  user_id: 'u',
                  amount: 1,
                  status: 'open',
                  expires_at: Date.now() + 60_000,
                  created_at: Date.now(),
                })
                .compile(),
            );
            return true;
          });
        const results = await Promise.all(Array.from({ length: 100 }, attempt));
        expect(results.filter(Boolean)).toHaveLength(10);
        const account = await hub.db
          .selectFrom('credit_accounts')
          .select(['balance', 'held'])
          .where('id', '=', accountId)
          .executeTakeFirstOrThrow();
        expect(account).toEqual({ balance: 10, held: 10 });
        const holds = await hub.db
          .selectFrom('credit_holds')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('account_id', '=', accountId)
          .executeTakeFirstOrThrow();
        expect(Number(holds.n)).toBe(10);
      },
    );

    it('keeps every concurrent increment made inside transactions', async () => {
      const accountId = await insertAccount(0);
      await Promise.all(
        Array.from({ length: 50 }, () =>
          hub.db.transaction().execute((trx) =>
            trx
              .updateTable('credit_accounts')
              .set((eb) => ({ balance: eb('balance', '+', 3) }))
              .where('id', '=', accountId)
              .execute(),
          ),
        ),
      );
      const account = await hub.db
        .selectFrom('credit_accounts')
        .select('balance')
        .where('id', '=', accountId)
        .executeTakeFirstOrThrow();
      expect(account.balance).toBe(150);
    });

    it('lets exactly one of many concurrent writers claim a unique key', async () => {
      const key = newId('idem');
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () =>
          hub.db
            .insertInto('idempotency_records')
            .values({ scope: 's', key, request_hash: 'h', status_code: 200, response: '{}', created_at: 1 })
            .execute(),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(isUniqueViolation(r.reason)).toBe(true);
    });

    it('group commit: units of one turn succeed or fail alone, and resolve once committed', async () => {
      const tag = newId('x');
      const insert = (tx: QueryRunner, name: string) =>
        tx.executeQuery(
          hub.db
            .insertInto('users')
            .values({
              id: newId('usr'),
              email: `${name}-${tag}@example.com`,
              role: 'user',
              created_at: 1,
              updated_at: 1,
            })
            .compile(),
        );
      const results = await Promise.allSettled([
        hub.groupCommit(async (trx) => {
          await insert(trx, 'first');
          return 'first done';
        }),
        hub.groupCommit(async (trx) => {
          await insert(trx, 'failed');
          throw new Error('this unit fails after writing');
        }),
        hub.groupCommit(async (trx) => {
          await insert(trx, 'last');
          return 'last done';
        }),
      ]);
      expect(results).toEqual([
        { status: 'fulfilled', value: 'first done' },
        { status: 'rejected', reason: new Error('this unit fails after writing') },
        { status: 'fulfilled', value: 'last done' },
      ]);
      const emails = await hub.db
        .selectFrom('users')
        .select('email')
        .where('email', 'like', `%-${tag}@example.com`)
        .orderBy('email')
        .execute();
      expect(emails.map((row) => row.email)).toEqual([`first-${tag}@example.com`, `last-${tag}@example.com`]);
    });

    it('group commit: a unit runs once when its group succeeds, and a failed group leaves no trace of its first run', async () => {
      const tag = newId('x');
      const runs = new Map<string, number>();
      const unit = (name: string, fail = false) =>
        hub.groupCommit(async (tx) => {
          runs.set(name, (runs.get(name) ?? 0) + 1);
          await tx.executeQuery(
            hub.db
              .insertInto('users')
              .values({
                id: newId('usr'),
                email: `${name}-${runs.get(name)}-${tag}@example.com`,
                role: 'user',
                created_at: 1,
                updated_at: 1,
              })
              .compile(),
          );
          if (fail) throw new Error(`${name} fails`);
          return name;
        });
      expect(await Promise.all([unit('a'), unit('b'), unit('c')])).toEqual(['a', 'b', 'c']);
      expect([...runs.values()]).toEqual([1, 1, 1]);
      const failed = await Promise.allSettled([unit('d'), unit('e', true)]);
      expect(failed.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
      // Whatever ran twice (SQLite runs a failed group again, unit by unit), only one run of each
      // unit that succeeded is kept, and nothing of the one that failed.
      const emails = await hub.db
        .selectFrom('users')
        .select('email')
        .where('email', 'like', `%-${tag}@example.com`)
        .execute();
      expect(emails.map((row) => row.email.replace(/-\d+-.*$/, '')).sort()).toEqual(['a', 'b', 'c', 'd']);
    });

    it('group commit: tells the observer of each commit, its units and its time', async () => {
      const tag = newId('x');
      const seen: GroupCommitStats[] = [];
      hub.observeGroupCommits((stats) => seen.push(stats));
      try {
        const unit = (name: string, fail = false) =>
          hub.groupCommit(async (tx) => {
            await tx.executeQuery(
              hub.db
                .insertInto('users')
                .values({
                  id: newId('usr'),
                  email: `${name}-${tag}@example.com`,
                  role: 'user',
                  created_at: 1,
                  updated_at: 1,
                })
                .compile(),
            );
            if (fail) throw new Error('fails');
          });
        await Promise.allSettled([unit('a'), unit('b'), unit('c', true)]);
      } finally {
        hub.observeGroupCommits(undefined);
      }
      await hub.groupCommit(async () => {});
      expect(seen.every((stats) => stats.seconds >= 0 && stats.seconds < 60)).toBe(true);
      if (dialect === 'sqlite') {
        // One turn's units share one commit; the failed unit made the group run again apart.
        expect(seen).toEqual([{ units: 3, seconds: expect.any(Number), rerun: true, failed: false }]);
      } else {
        // A transaction per unit: the one whose unit threw failed.
        expect(
          seen
            .map(({ units, rerun, failed }) => ({ units, rerun, failed }))
            .sort((x, y) => +x.failed - +y.failed),
        ).toEqual([
          { units: 1, rerun: false, failed: false },
          { units: 1, rerun: false, failed: false },
          { units: 1, rerun: false, failed: true },
        ]);
      }
    });

    it('commits ordinary writes without waiting for a flush, and durable transactions with one', async () => {
      const setting = async (db: Pick<typeof hub.db, 'executeQuery'>) => {
        const query =
          dialect === 'postgres'
            ? sql<{ value: string }>`select current_setting('synchronous_commit') as value`
            : sql<{ value: string }>`select synchronous as value from pragma_synchronous`;
        const { rows } = await db.executeQuery(query.compile(hub.db));
        return String(rows[0]?.value);
      };
      // SQLite: 1 = NORMAL, 2 = FULL. PostgreSQL: off / on.
      const [ordinary, durable] = dialect === 'postgres' ? ['off', 'on'] : ['1', '2'];
      expect(await setting(hub.db)).toBe(ordinary);
      expect(await hub.durableTransaction((trx) => setting(trx))).toBe(durable);
      expect(await setting(hub.db)).toBe(ordinary);
    });

    it('group commit: waits for a transaction in flight on the connection, and never joins it', async () => {
      const tag = newId('x');
      const user = (name: string) => ({
        id: newId('usr'),
        email: `${name}-${tag}@example.com`,
        role: 'user' as const,
        created_at: 1,
        updated_at: 1,
      });
      let open!: () => void;
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const failing = hub.db.transaction().execute(async (trx) => {
        await trx.insertInto('users').values(user('rolled-back')).execute();
        await gate;
        throw new Error('this transaction rolls back');
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
      const unit = hub.groupCommit((tx) =>
        tx.executeQuery(hub.db.insertInto('users').values(user('kept')).compile()),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      open();
      await expect(failing).rejects.toThrow('this transaction rolls back');
      await unit;
      const emails = await hub.db
        .selectFrom('users')
        .select('email')
        .where('email', 'like', `%-${tag}@example.com`)
        .execute();
      expect(emails.map((row) => row.email)).toEqual([`kept-${tag}@example.com`]);
    });

    it('group commit: of 20 units claiming one unique key, one wins and 19 see a unique violation', async () => {
      const key = newId('idem');
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () =>
          hub.groupCommit((tx) =>
            tx.executeQuery(
              hub.db
                .insertInto('idempotency_records')
                .values({
                  scope: 'g',
                  key,
                  request_hash: 'h',
                  status_code: 200,
                  response: '{}',
                  created_at: 1,
                })
                .compile(),
            ),
          ),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(isUniqueViolation(r.reason)).toBe(true);
      const rows = await hub.db
        .selectFrom('idempotency_records')
        .select('key')
        .where('key', '=', key)
        .execute();
      expect(rows).toHaveLength(1);
    });

    it('refuses a database migrated by newer code, naming the unknown migration', async () => {
      const other = await createTestDatabase(dialect);
      try {
        await sql`insert into hub_migrations (name, timestamp) values (${'9999-from-the-future'}, ${new Date().toISOString()})`.execute(
          other.db,
        );
        const error = await other.migrate().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DatabaseNewerThanCodeError);
        expect((error as Error).message).toContain('9999-from-the-future');
      } finally {
        await other.drop();
      }
    });
  });
}
