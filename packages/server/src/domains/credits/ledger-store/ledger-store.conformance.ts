import { type HubDatabase, newId } from '@smart-ai-hub/adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountDirectory } from '../accounts.js';
import type { HoldFacts } from '../hold-facts.js';
import { verifyLedger } from '../ledger-verify.js';
import { creditsToUnits } from '../money.js';
import { postUserTransaction } from '../post-transaction.js';
import { createLedgerStatements } from './ledger-statements.js';
import type { HoldResolution, LedgerStore, NewHold } from './ledger-store.js';

const ONE = creditsToUnits(1);

/** A store on a fresh, migrated database of its own; the suite seeds and reads through `database`. */
export interface LedgerStoreFixture {
  database: HubDatabase;
  store: LedgerStore;
  close(): Promise<void>;
}

/**
 * What every {@link LedgerStore} guarantees (its interface's documentation), driven on the store
 * itself, outside the credits service: a backend passes this suite or is not one.
 */
export function describeLedgerStoreConformance(name: string, open: () => Promise<LedgerStoreFixture>): void {
  describe(`ledger store conformance: ${name}`, () => {
    let fixture: LedgerStoreFixture;
    let store: LedgerStore;
    let accounts: AccountDirectory;
    let usage: string;
    beforeAll(async () => {
      fixture = await open();
      store = fixture.store;
      accounts = new AccountDirectory(fixture.database.db);
      usage = await accounts.system('usage');
    });
    afterAll(() => fixture?.close());

    const db = () => fixture.database.db;

    /** A user with an account funded with `credits` (through the ledger, so that it verifies). */
    async function funded(credits: number): Promise<{ userId: string; accountId: string }> {
      const userId = newId('usr');
      const now = Date.now();
      await db()
        .insertInto('users')
        .values({
          id: userId,
          email: `${userId}@example.com`,
          role: 'user',
          created_at: now,
          updated_at: now,
        })
        .execute();
      const accountId = await accounts.user(userId);
      if (credits > 0) {
        const grants = await accounts.system('grants');
        const statements = createLedgerStatements(db());
        await fixture.database.durableTransaction((trx) =>
          postUserTransaction(trx, statements, {
            kind: 'grant',
            userId,
            userAccountId: accountId,
            counterAccountId: grants,
            amount: creditsToUnits(credits),
          }),
        );
      }
      return { userId, accountId };
    }

    function newHold(
      owner: { userId: string; accountId: string },
      amount: number,
      extra: Partial<NewHold> = {},
    ): NewHold {
      const now = Date.now();
      return {
        id: newId('hold'),
        accountId: owner.accountId,
        userId: owner.userId,
        amount,
        requestId: null,
        metadata: null,
        expiresAt: now + 60_000,
        now,
        ...extra,
      };
    }

    /** Places `hold`, failing the test if the store refuses it. */
    async function placed(hold: NewHold): Promise<HoldFacts> {
      expect(await store.placeHold(hold)).toEqual({ placed: true });
      return {
        accountId: hold.accountId,
        userId: hold.userId,
        amount: hold.amount,
        requestId: hold.requestId,
      };
    }

    function settle(hold: NewHold, charged: number, extra: Partial<HoldResolution> = {}): HoldResolution {
      return {
        holdId: hold.id,
        hold: {
          accountId: hold.accountId,
          userId: hold.userId,
          amount: hold.amount,
          requestId: hold.requestId,
        },
        status: charged > 0 ? 'settled' : 'released',
        charged,
        overage: Math.max(0, charged - hold.amount),
        counterAccountId: charged > 0 ? usage : null,
        description: null,
        metadata: {},
        now: Date.now(),
        ...extra,
      };
    }

    const account = (accountId: string) =>
      db()
        .selectFrom('credit_accounts')
        .select(['balance', 'held', 'updated_at'])
        .where('id', '=', accountId)
        .executeTakeFirstOrThrow();
    const holdRow = (holdId: string) =>
      db().selectFrom('credit_holds').selectAll().where('id', '=', holdId).executeTakeFirst();
    const chargesOf = (holdId: string) =>
      db().selectFrom('ledger_transactions').selectAll().where('reference', '=', holdId).execute();

    async function expectLedgerVerifies(): Promise<void> {
      const report = await verifyLedger(db());
      expect(report.mismatches).toEqual([]);
      expect(report.ok).toBe(true);
    }

    it('places a hold the account covers: its row, open, and its amount reserved', async () => {
      const owner = await funded(10);
      const hold = newHold(owner, 4 * ONE, { requestId: 'req_1', metadata: '{"apiKeyId":"key_1"}' });
      await placed(hold);
      expect(await holdRow(hold.id)).toMatchObject({
        account_id: owner.accountId,
        user_id: owner.userId,
        amount: 4 * ONE,
        status: 'open',
        request_id: 'req_1',
        metadata: '{"apiKeyId":"key_1"}',
        expires_at: hold.expiresAt,
        created_at: hold.now,
        settled_amount: null,
        transaction_id: null,
      });
      expect(await account(owner.accountId)).toMatchObject({ balance: 10 * ONE, held: 4 * ONE });
      expect(await store.readHold(hold.id)).toEqual({
        accountId: owner.accountId,
        userId: owner.userId,
        amount: 4 * ONE,
        requestId: 'req_1',
      });
      expect(await store.readHold('hold_unknown')).toBeUndefined();
    });

    it('refuses a hold the account does not cover, writes nothing, and says what was available', async () => {
      const owner = await funded(3);
      await placed(newHold(owner, 2 * ONE));
      const before = await account(owner.accountId);
      const refused = newHold(owner, 5 * ONE, { now: before.updated_at + 1_000 });
      expect(await store.placeHold(refused)).toEqual({ placed: false, available: ONE });
      expect(await holdRow(refused.id)).toBeUndefined();
      expect(await account(owner.accountId)).toEqual(before);
      // An account without one: refused, and no row either.
      const empty = await funded(0);
      const nothing = newHold(empty, 1);
      expect(await store.placeHold(nothing)).toEqual({ placed: false, available: 0 });
      expect(await holdRow(nothing.id)).toBeUndefined();
    });

    it('never overdraws: 200 concurrent holds of 1 credit against 50 place exactly 50', async () => {
      const owner = await funded(50);
      const holds = Array.from({ length: 200 }, () => newHold(owner, ONE));
      const answers = await Promise.all(holds.map((hold) => store.placeHold(hold)));
      expect(answers.filter((a) => a.placed)).toHaveLength(50);
      for (const answer of answers) {
        if (!answer.placed) expect(Number.isSafeInteger(answer.available)).toBe(true);
      }
      expect(await account(owner.accountId)).toMatchObject({ balance: 50 * ONE, held: 50 * ONE });
      const rows = await db()
        .selectFrom('credit_holds')
        .select('id')
        .where('account_id', '=', owner.accountId)
        .execute();
      expect(rows.map((r) => r.id).sort()).toEqual(
        holds
          .filter((_, i) => answers[i]!.placed)
          .map((h) => h.id)
          .sort(),
      );
      await expectLedgerVerifies();
    });

    it('settles to the cost: one usage transaction whose postings balance, the rest released', async () => {
      const owner = await funded(5);
      const hold = newHold(owner, 2 * ONE, { requestId: 'req_s' });
      await placed(hold);
      const resolution = settle(hold, 1234, { description: 'model m', metadata: { requestId: 'req_s' } });
      expect(await store.resolveHold(resolution)).toEqual({
        balance: 5 * ONE - 1234,
        held: 0,
        available: 5 * ONE - 1234,
      });
      const row = await holdRow(hold.id);
      expect(row).toMatchObject({
        status: 'settled',
        settled_amount: 1234,
        overage: 0,
        resolved_at: resolution.now,
      });
      const [charge, ...more] = await chargesOf(hold.id);
      expect(more).toEqual([]);
      expect(charge).toMatchObject({
        id: row!.transaction_id,
        kind: 'usage',
        idempotency_key: `hold:${hold.id}`,
        user_id: owner.userId,
        description: 'model m',
        metadata: JSON.stringify({ requestId: 'req_s' }),
      });
      const postings = await db()
        .selectFrom('ledger_postings')
        .select(['account_id', 'amount'])
        .where('transaction_id', '=', charge!.id)
        .execute();
      expect(postings).toEqual(
        expect.arrayContaining([
          { account_id: owner.accountId, amount: -1234 },
          { account_id: usage, amount: 1234 },
        ]),
      );
      expect(postings).toHaveLength(2);
      expect(await store.readOutcome(hold.id)).toEqual({
        status: 'settled',
        posted: true,
        charged: 1234,
        overage: 0,
        balance: { balance: 5 * ONE - 1234, held: 0, available: 5 * ONE - 1234 },
      });
      await expectLedgerVerifies();
    });

    it('releases (or settles for nothing) without a ledger transaction', async () => {
      const owner = await funded(5);
      const released = newHold(owner, 2 * ONE);
      const free = newHold(owner, ONE);
      await placed(released);
      await placed(free);
      expect(await store.resolveHold(settle(released, 0))).toEqual({
        balance: 5 * ONE,
        held: ONE,
        available: 4 * ONE,
      });
      expect(await store.resolveHold(settle(free, 0, { status: 'settled' }))).toEqual({
        balance: 5 * ONE,
        held: 0,
        available: 5 * ONE,
      });
      expect(await holdRow(released.id)).toMatchObject({
        status: 'released',
        settled_amount: 0,
        transaction_id: null,
      });
      expect(await holdRow(free.id)).toMatchObject({
        status: 'settled',
        settled_amount: 0,
        transaction_id: null,
      });
      expect([...(await chargesOf(released.id)), ...(await chargesOf(free.id))]).toEqual([]);
      expect(await store.readOutcome(free.id)).toMatchObject({
        status: 'settled',
        posted: false,
        charged: 0,
      });
      await expectLedgerVerifies();
    });

    it('transitions a hold exactly once when settles, releases and the sweeper race for it', async () => {
      const owner = await funded(10);
      const hold = newHold(owner, 4 * ONE);
      await placed(hold);
      const due = {
        id: hold.id,
        accountId: owner.accountId,
        userId: owner.userId,
        amount: hold.amount,
        metadata: null,
      };
      const marker = `expired:${hold.id}`;
      const attempts = await Promise.all(
        Array.from({ length: 60 }, (_, i) => {
          if (i % 3 === 0)
            return store.resolveHold(settle(hold, 3 * ONE)).then((b) => (b ? 'settled' : null));
          if (i % 3 === 1) return store.resolveHold(settle(hold, 0)).then((b) => (b ? 'released' : null));
          return store
            .expireHold(due, Date.now(), async (trx) => {
              await trx.executeQuery(
                db().insertInto('hub_settings').values({ key: marker, value: 'x', created_at: 1 }).compile(),
              );
            })
            .then((won) => (won ? 'expired' : null));
        }),
      );
      const winners = attempts.filter((a) => a !== null);
      expect(winners).toHaveLength(1);
      const winner = winners[0]!;
      expect((await holdRow(hold.id))?.status).toBe(winner);
      const balance = winner === 'settled' ? 7 * ONE : 10 * ONE;
      expect(await account(owner.accountId)).toMatchObject({ balance, held: 0 });
      expect(await chargesOf(hold.id)).toHaveLength(winner === 'settled' ? 1 : 0);
      // What the expiry wrote in its transaction is there exactly when the expiry won.
      const markers = await db().selectFrom('hub_settings').select('key').where('key', '=', marker).execute();
      expect(markers).toHaveLength(winner === 'expired' ? 1 : 0);
      // Once resolved, nothing moves it again.
      expect(await store.resolveHold(settle(hold, ONE))).toBeNull();
      expect(await store.expireHold(due, Date.now(), async () => {})).toBe(false);
      await expectLedgerVerifies();
    });

    it('charges a cost beyond the hold in full: the balance goes below zero, and refuses every hold', async () => {
      const owner = await funded(2);
      const hold = newHold(owner, ONE);
      await placed(hold);
      expect(await store.resolveHold(settle(hold, 5 * ONE))).toEqual({
        balance: -3 * ONE,
        held: 0,
        available: -3 * ONE,
      });
      expect(await holdRow(hold.id)).toMatchObject({
        status: 'settled',
        settled_amount: 5 * ONE,
        overage: 4 * ONE,
      });
      expect(await store.readOutcome(hold.id)).toMatchObject({
        charged: 5 * ONE,
        overage: 4 * ONE,
        posted: true,
      });
      const tiny = newHold(owner, 1);
      expect(await store.placeHold(tiny)).toEqual({ placed: false, available: -3 * ONE });
      expect(await holdRow(tiny.id)).toBeUndefined();
      const report = await verifyLedger(db());
      expect(report.ok).toBe(true);
      expect(report.overages.units).toBeGreaterThanOrEqual(4 * ONE);
    });

    it('keeps a concurrent hold on the same account covered while another one overruns', async () => {
      const owner = await funded(4);
      const a = newHold(owner, 2 * ONE);
      const b = newHold(owner, 2 * ONE);
      await Promise.all([placed(a), placed(b)]);
      const third = newHold(owner, 1);
      const [overrun, refused] = await Promise.all([
        store.resolveHold(settle(a, 3 * ONE)),
        store.placeHold(third),
      ]);
      expect(overrun).toEqual({ balance: ONE, held: 2 * ONE, available: -ONE });
      expect(refused.placed).toBe(false);
      expect(await store.resolveHold(settle(b, 2 * ONE))).toEqual({
        balance: -ONE,
        held: 0,
        available: -ONE,
      });
      await expectLedgerVerifies();
    });

    it('posts the charge of an expired hold once, however many settles race for it', async () => {
      const owner = await funded(5);
      const hold = newHold(owner, 2 * ONE);
      const facts = await placed(hold);
      const due = {
        id: hold.id,
        accountId: owner.accountId,
        userId: owner.userId,
        amount: hold.amount,
        metadata: null,
      };
      // Open: no late charge.
      const late = (charged: number) => ({
        holdId: hold.id,
        hold: facts,
        charged,
        counterAccountId: usage,
        description: 'late',
        metadata: { requestId: 'req_late' },
        now: Date.now(),
      });
      expect(await store.chargeExpiredHold(late(ONE))).toBeNull();
      expect(await store.expireHold(due, Date.now(), async () => {})).toBe(true);
      expect(await account(owner.accountId)).toMatchObject({ balance: 5 * ONE, held: 0 });
      expect(await store.readOutcome(hold.id)).toMatchObject({
        status: 'expired',
        posted: false,
        charged: 0,
      });
      expect(await store.resolveHold(settle(hold, 3 * ONE))).toBeNull();
      const balances = await Promise.all(
        Array.from({ length: 50 }, () => store.chargeExpiredHold(late(3 * ONE))),
      );
      const posted = balances.filter((b) => b !== null);
      expect(posted).toEqual([{ balance: 2 * ONE, held: 0, available: 2 * ONE }]);
      expect(await chargesOf(hold.id)).toHaveLength(1);
      expect(await store.readOutcome(hold.id)).toEqual({
        status: 'expired',
        posted: true,
        charged: 3 * ONE,
        overage: 3 * ONE,
        balance: { balance: 2 * ONE, held: 0, available: 2 * ONE },
      });
      // A released hold never takes a late charge.
      const released = newHold(owner, ONE);
      const releasedFacts = await placed(released);
      await store.resolveHold(settle(released, 0));
      expect(
        await store.chargeExpiredHold({ ...late(ONE), holdId: released.id, hold: releasedFacts }),
      ).toBeNull();
      await expectLedgerVerifies();
    });

    it('keeps nothing of an expiry whose work in the transaction failed: the hold stays open', async () => {
      const owner = await funded(3);
      const hold = newHold(owner, ONE);
      await placed(hold);
      const due = {
        id: hold.id,
        accountId: owner.accountId,
        userId: owner.userId,
        amount: hold.amount,
        metadata: null,
      };
      await expect(
        store.expireHold(due, Date.now(), async () => {
          throw new Error('listener failed');
        }),
      ).rejects.toThrow('listener failed');
      expect((await holdRow(hold.id))?.status).toBe('open');
      expect(await account(owner.accountId)).toMatchObject({ held: ONE });
      expect(await store.expireHold(due, Date.now(), async () => {})).toBe(true);
      expect(await account(owner.accountId)).toMatchObject({ held: 0 });
    });

    it('lists the open holds past their expiry, soonest first, and renews only open holds', async () => {
      const owner = await funded(10);
      // Expiries long past, so that no other test's hold is due before them.
      const at = [1_003, 1_001, 1_002, 1_000];
      const holds = at.map((expiresAt) => newHold(owner, ONE, { expiresAt }));
      for (const hold of holds) await placed(hold);
      await store.resolveHold(settle(holds[3]!, 0)); // resolved: never due
      expect((await store.dueHolds(1_002, 10)).map((h) => h.id)).toEqual([holds[1]!.id, holds[2]!.id]);
      const due = await store.dueHolds(1_010, 2);
      expect(due).toEqual([
        { id: holds[1]!.id, accountId: owner.accountId, userId: owner.userId, amount: ONE, metadata: null },
        { id: holds[2]!.id, accountId: owner.accountId, userId: owner.userId, amount: ONE, metadata: null },
      ]);
      // More ids than one statement takes, most unknown: only the open ones count.
      const ids = [
        holds[0]!.id,
        holds[3]!.id,
        ...Array.from({ length: 1_200 }, () => newId('hold')),
        holds[1]!.id,
      ];
      expect(await store.renewHolds(ids, 5_000)).toBe(2);
      expect((await holdRow(holds[0]!.id))?.expires_at).toBe(5_000);
      expect((await holdRow(holds[1]!.id))?.expires_at).toBe(5_000);
      expect((await holdRow(holds[3]!.id))?.expires_at).toBe(1_000);
      expect((await store.dueHolds(1_010, 10)).map((h) => h.id)).toEqual([holds[2]!.id]);
      expect(await store.renewHolds([], 5_000)).toBe(0);
      for (const hold of holds.slice(0, 3)) await store.resolveHold(settle(hold, 0));
    });

    it('locks a payment row for its transaction: concurrent read-merge-writes lose nothing', async () => {
      const paymentId = newId('pay');
      await db()
        .insertInto('credit_payments')
        .values({ id: paymentId, provider: 'test', created_at: 1, updated_at: 1 })
        .execute();
      await Promise.all(
        Array.from({ length: 20 }, () =>
          fixture.database.durableTransaction(async (trx) => {
            const row = await store.lockPayment(trx, paymentId);
            await trx
              .updateTable('credit_payments')
              .set({ credited: row.credited + 1 })
              .where('id', '=', paymentId)
              .execute();
          }),
        ),
      );
      const row = await db()
        .selectFrom('credit_payments')
        .select('credited')
        .where('id', '=', paymentId)
        .executeTakeFirstOrThrow();
      expect(row.credited).toBe(20);
      await expect(
        fixture.database.durableTransaction((trx) => store.lockPayment(trx, 'pay_unknown')),
      ).rejects.toThrow();
    });
  });
}
