import { type HubDatabase, newId } from '@smart-ai-hub/adapters';
import {
  createTestDatabase,
  migrateToLatest,
  migrations,
  testDialects,
} from '@smart-ai-hub/adapters/testing';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { verifyLedger } from './ledger-verify.js';

/** The migrations up to (and without) the micro-credit one: a database as the last release left it. */
const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0005'));

/**
 * A ledger written in the old unit (1/10,000 credit) with raw SQL, so the seed does not depend on
 * what later code writes: a grant, a settled charge, an open hold, a key with a cap, a usage row
 * and a payment. Old units: 12.3456 credits = 123,456.
 */
async function seedOldLedger(database: HubDatabase) {
  const db = database.db;
  const now = Date.now();
  const userId = newId('usr');
  const account = newId('acc');
  const grants = newId('acc');
  const usage = newId('acc');
  await db
    .insertInto('users')
    .values({ id: userId, email: `${userId}@example.com`, role: 'user', created_at: now, updated_at: now })
    .execute();
  await db
    .insertInto('credit_accounts')
    .values([
      {
        id: account,
        code: `user:${userId}`,
        user_id: userId,
        balance: 123_456 - 789,
        held: 5_000,
        created_at: now,
        updated_at: now,
      },
      {
        id: grants,
        code: 'system:grants',
        user_id: null,
        balance: 0,
        held: 0,
        created_at: now,
        updated_at: now,
      },
      {
        id: usage,
        code: 'system:usage',
        user_id: null,
        balance: 0,
        held: 0,
        created_at: now,
        updated_at: now,
      },
    ])
    .execute();
  const posting = async (kind: string, amount: number, counter: string) => {
    const tx = newId('ltx');
    await db
      .insertInto('ledger_transactions')
      .values({
        id: tx,
        kind,
        idempotency_key: `${kind}:${tx}`,
        user_id: userId,
        reference: null,
        description: null,
        metadata: null,
        created_at: now,
      })
      .execute();
    await db
      .insertInto('ledger_postings')
      .values([
        { id: newId('lpo'), transaction_id: tx, account_id: account, amount, created_at: now },
        { id: newId('lpo'), transaction_id: tx, account_id: counter, amount: -amount, created_at: now },
      ])
      .execute();
    return tx;
  };
  await posting('grant', 123_456, grants);
  const charge = await posting('usage', -789, usage);
  await db
    .insertInto('credit_holds')
    .values([
      {
        id: newId('hold'),
        account_id: account,
        user_id: userId,
        amount: 2_000,
        status: 'settled',
        settled_amount: 789,
        transaction_id: charge,
        request_id: null,
        metadata: null,
        expires_at: now + 60_000,
        created_at: now,
        resolved_at: now,
      },
      {
        id: newId('hold'),
        account_id: account,
        user_id: userId,
        amount: 5_000,
        status: 'open',
        settled_amount: null,
        transaction_id: null,
        request_id: null,
        metadata: null,
        expires_at: now + 60_000,
        created_at: now,
        resolved_at: null,
      },
    ])
    .execute();
  await db
    .insertInto('api_keys')
    .values({
      id: newId('key'),
      user_id: userId,
      name: 'capped',
      prefix: 'sk-hub-old',
      key_hash: newId('hash'),
      allowed_models: null,
      spend_cap: 10_000,
      spent: 789,
      expires_at: null,
      last_used_at: null,
      revoked_at: null,
      created_at: now,
    })
    .execute();
  await db
    .insertInto('usage_logs')
    .values({
      id: newId('use'),
      request_id: 'req-1',
      user_id: userId,
      api_key_id: null,
      end_user: null,
      model: 'm',
      provider: null,
      deployment: null,
      endpoint: '/v1/chat/completions',
      input_tokens: 10,
      output_tokens: 20,
      cost: 789,
      latency_ms: 5,
      status: 'ok',
      error_code: null,
      created_at: now,
    })
    .execute();
  await db
    .insertInto('credit_payments')
    .values({
      id: newId('pay'),
      provider: 'stripe',
      user_id: userId,
      session_id: 'cs_1',
      package_id: 'p',
      credits: 100_000,
      amount_total: 999,
      currency: 'usd',
      paid_at: now,
      failed_at: null,
      amount_refunded: 0,
      amount_disputed: 0,
      credited: 100_000,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

/** Every stored amount, in a stable order. */
async function amounts(database: HubDatabase) {
  const { rows } = await sql<Record<string, unknown>>`
    select 'account' as t, balance as a, held as b from credit_accounts where user_id is not null
    union all select 'posting', amount, 0 from ledger_postings
    union all select 'hold', amount, coalesce(settled_amount, -1) from credit_holds
    union all select 'key', spend_cap, spent from api_keys
    union all select 'usage', cost, 0 from usage_logs
    union all select 'payment', credits, credited + 0 * amount_total from credit_payments`.execute(
    database.db,
  );
  return rows.map((r) => `${r.t}:${Number(r.a)}:${Number(r.b)}`).sort();
}

for (const dialect of await testDialects()) {
  describe(`the micro-credit migration on ${dialect}`, () => {
    it('multiplies every stored amount by 100 exactly, and the ledger verifies before and after', async () => {
      const database = await createTestDatabase(dialect, { migrate: false });
      try {
        await migrateToLatest(database.db, before);
        await seedOldLedger(database);
        const old = await amounts(database);
        expect((await verifyLedger(database.db)).ok).toBe(true);

        const report = await migrateToLatest(database.db);
        expect(report.applied).toContain('0005-micro-credits');

        const expected = old
          .map((line) => {
            const [t, a, b] = line.split(':');
            const scale = (v: string) => (Number(v) === -1 ? -1 : Number(v) * 100);
            return `${t}:${scale(a!)}:${scale(b!)}`;
          })
          .sort();
        expect(await amounts(database)).toEqual(expected);
        expect((await verifyLedger(database.db)).ok).toBe(true);
        // The payment's cents are money of another currency: untouched.
        const payment = await database.db
          .selectFrom('credit_payments')
          .select('amount_total')
          .executeTakeFirstOrThrow();
        expect(Number(payment.amount_total)).toBe(999);
      } finally {
        await database.drop();
      }
    });
  });
}
