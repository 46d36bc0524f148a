import { testDialects } from '@smart-ai-hub/adapters/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubError } from '../../http/hub-error.js';
import { CreditsService } from './credits-service.js';
import { type CreditsKit, createCreditsKit } from './credits-test-kit.js';
import { creditsToUnits } from './money.js';

const ONE = creditsToUnits(1);

for (const dialect of await testDialects()) {
  describe(`credit holds on ${dialect}`, () => {
    let kit: CreditsKit;
    beforeAll(async () => {
      kit = await createCreditsKit(dialect);
    });
    afterAll(() => kit?.close());

    async function userWith(credits: number): Promise<string> {
      const userId = await kit.createUser();
      if (credits > 0) {
        await kit.credits.grant({
          userId,
          amount: creditsToUnits(credits),
          idempotencyKey: `seed-${userId}`,
        });
      }
      return userId;
    }

    it('1,000 concurrent holds of 1 credit against 100 give exactly 100 holds and 900 refusals', async () => {
      const userId = await userWith(100);
      const results = await Promise.allSettled(
        Array.from({ length: 1000 }, () => kit.credits.hold({ userId, amount: ONE })),
      );
      const held = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r) => r.status === 'rejected');
      expect(held).toHaveLength(100);
      expect(refused).toHaveLength(900);
      for (const r of refused) {
        const error = (r as PromiseRejectedResult).reason as HubError;
        expect(error).toBeInstanceOf(HubError);
        expect(error.code).toBe('insufficient_credits');
        expect(error.statusCode).toBe(402);
      }
      expect(await kit.credits.balance(userId)).toEqual({
        balance: 100 * ONE,
        held: 100 * ONE,
        available: 0,
      });

      await Promise.all(
        held.map((r) => kit.credits.settle((r as PromiseFulfilledResult<{ id: string }>).value.id, ONE)),
      );
      expect(await kit.credits.balance(userId)).toEqual({ balance: 0, held: 0, available: 0 });
      const report = await kit.credits.verifyLedger();
      expect(report.mismatches).toEqual([]);
      expect(report.ok).toBe(true);
    });

    it('1,000 concurrent settles of one hold charge it once, and every caller gets that outcome', async () => {
      const userId = await userWith(10);
      const hold = await kit.credits.hold({ userId, amount: 5 * ONE });
      const outcomes = await Promise.all(
        Array.from({ length: 1000 }, () => kit.credits.settle(hold.id, 3 * ONE)),
      );
      for (const o of outcomes)
        expect(o).toMatchObject({ holdId: hold.id, status: 'settled', charged: 3 * ONE });
      expect(await kit.credits.balance(userId)).toEqual({ balance: 7 * ONE, held: 0, available: 7 * ONE });
      const page = await kit.credits.transactions(userId, { limit: 10 });
      expect(page.entries.filter((e) => e.kind === 'usage')).toHaveLength(1);
      expect((await kit.credits.verifyLedger()).ok).toBe(true);
    });

    it('races settle against release: exactly one wins and the loser sees its outcome', async () => {
      const userId = await userWith(10);
      const hold = await kit.credits.hold({ userId, amount: 4 * ONE });
      const [a, b] = await Promise.all([kit.credits.release(hold.id), kit.credits.settle(hold.id, 2 * ONE)]);
      expect(a.status).toBe(b.status);
      expect(a.charged).toBe(b.charged);
      const expected = a.status === 'settled' ? 8 * ONE : 10 * ONE;
      expect(await kit.credits.balance(userId)).toEqual({ balance: expected, held: 0, available: expected });
      expect((await kit.credits.verifyLedger()).ok).toBe(true);
    });

    it('settles to the real cost, releasing the rest', async () => {
      const userId = await userWith(2);
      const small = await kit.credits.hold({ userId, amount: ONE });
      const outcome = await kit.credits.settle(small.id, 1234);
      expect(outcome).toEqual({
        holdId: small.id,
        status: 'settled',
        charged: 1234,
        overage: 0,
        balance: { balance: 2 * ONE - 1234, held: 0, available: 2 * ONE - 1234 },
      });
      const free = await kit.credits.hold({ userId, amount: 100 });
      const zero = await kit.credits.settle(free.id, 0);
      expect(zero).toMatchObject({ charged: 0, overage: 0 });
      expect(await kit.credits.balance(userId)).toEqual({
        balance: 2 * ONE - 1234,
        held: 0,
        available: 2 * ONE - 1234,
      });
      expect((await kit.credits.verifyLedger()).ok).toBe(true);
    });

    it('charges a cost beyond the hold in full: the balance goes below zero by the excess, recorded', async () => {
      const userId = await userWith(2);
      const hold = await kit.credits.hold({ userId, amount: ONE });
      const outcome = await kit.credits.settle(hold.id, 5 * ONE);
      const excess = 4 * ONE;
      expect(outcome).toEqual({
        holdId: hold.id,
        status: 'settled',
        charged: 5 * ONE,
        overage: excess,
        balance: { balance: -3 * ONE, held: 0, available: -3 * ONE },
      });
      // A second settle changes nothing and answers the same.
      expect(await kit.credits.settle(hold.id, 9 * ONE)).toEqual(outcome);
      const row = await kit.database.db
        .selectFrom('credit_holds')
        .select(['status', 'amount', 'settled_amount', 'overage'])
        .where('id', '=', hold.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'settled', amount: ONE, settled_amount: 5 * ONE, overage: excess });
      const usage = (await kit.credits.transactions(userId, { limit: 10 })).entries.filter(
        (e) => e.kind === 'usage',
      );
      expect(usage).toHaveLength(1);
      // A negative balance refuses every hold, however small.
      await expect(kit.credits.hold({ userId, amount: 1 })).rejects.toMatchObject({
        statusCode: 402,
        code: 'insufficient_credits',
      });
      const report = await kit.credits.verifyLedger();
      expect(report.ok).toBe(true);
      expect(report.overages.holds).toBeGreaterThanOrEqual(1);
      expect(report.overages.units).toBeGreaterThanOrEqual(excess);
    });

    it('keeps a concurrent hold on the same account covered while another one overruns', async () => {
      const userId = await userWith(4);
      const [a, b] = await Promise.all([
        kit.credits.hold({ userId, amount: 2 * ONE }),
        kit.credits.hold({ userId, amount: 2 * ONE }),
      ]);
      expect(await kit.credits.balance(userId)).toEqual({ balance: 4 * ONE, held: 4 * ONE, available: 0 });
      // `a` costs 3 credits against its 2: the balance drops to 1 while `b` still holds 2.
      const [overrun, third] = await Promise.allSettled([
        kit.credits.settle(a.id, 3 * ONE),
        kit.credits.hold({ userId, amount: 1 }),
      ]);
      expect(overrun).toMatchObject({ status: 'fulfilled', value: { charged: 3 * ONE, overage: ONE } });
      // Whichever ran first, nothing was available for a third hold.
      expect(third).toMatchObject({ status: 'rejected', reason: { code: 'insufficient_credits' } });
      expect(await kit.credits.balance(userId)).toEqual({
        balance: ONE,
        held: 2 * ONE,
        available: -ONE,
      });
      // `b` settles within its own hold and still gets charged in full.
      expect(await kit.credits.settle(b.id, 2 * ONE)).toMatchObject({ charged: 2 * ONE, overage: 0 });
      expect(await kit.credits.balance(userId)).toEqual({ balance: -ONE, held: 0, available: -ONE });
      expect((await kit.credits.verifyLedger()).ok).toBe(true);
    });

    it('refuses a hold for more than is available, saying how much is', async () => {
      const userId = await userWith(1.5);
      const error = await kit.credits.hold({ userId, amount: 2 * ONE }).catch((e: unknown) => e);
      expect(error).toMatchObject({
        statusCode: 402,
        code: 'insufficient_credits',
        details: { required: 2, available: 1.5 },
      });
      await expect(kit.credits.hold({ userId, amount: 0 })).rejects.toMatchObject({
        code: 'validation_error',
      });
      await expect(kit.credits.hold({ userId, amount: 1.5 })).rejects.toMatchObject({
        code: 'validation_error',
      });
    });

    it('answers 404 for an unknown hold', async () => {
      await expect(kit.credits.settle('hold_nope', 1)).rejects.toMatchObject({
        statusCode: 404,
        code: 'not_found',
      });
    });

    it('settles a hold placed by another replica, exactly once across both', async () => {
      const userId = await userWith(3);
      const other = new CreditsService({
        database: kit.database,
        coordination: kit.coordination,
        log: pino({ level: 'silent' }),
        holdTtlMs: 60_000,
        lowThreshold: 0,
      });
      const hold = await other.hold({ userId, amount: 2 * ONE, requestId: 'req_other' });
      // This replica never saw the hold: it reads its facts from the database.
      const first = await kit.credits.settle(hold.id, ONE);
      expect(first).toMatchObject({ status: 'settled', charged: ONE });
      // The placing replica still remembers it; the database still decides it was settled.
      expect(await other.settle(hold.id, 2 * ONE)).toEqual(first);
      expect(await other.release(hold.id)).toEqual(first);
      expect(await kit.credits.balance(userId)).toEqual({ balance: 2 * ONE, held: 0, available: 2 * ONE });
      const charge = await kit.database.db
        .selectFrom('ledger_transactions')
        .select(['kind', 'metadata'])
        .where('reference', '=', hold.id)
        .execute();
      expect(charge).toEqual([{ kind: 'usage', metadata: JSON.stringify({ requestId: 'req_other' }) }]);
      expect((await kit.credits.verifyLedger()).ok).toBe(true);
    });

    it('sweeps expired holds exactly once, and a late settle still charges what was used', async () => {
      const userId = await userWith(5);
      const stale = await kit.credits.hold({ userId, amount: 2 * ONE, ttlMs: 1_000 });
      const fresh = await kit.credits.hold({ userId, amount: ONE, ttlMs: 600_000 });
      const later = Date.now() + 5_000;
      const swept = await Promise.all([
        kit.credits.sweepExpiredHolds(later),
        kit.credits.sweepExpiredHolds(later),
      ]);
      expect(swept[0] + swept[1]).toBe(1);
      expect(await kit.credits.balance(userId)).toEqual({ balance: 5 * ONE, held: ONE, available: 4 * ONE });
      // The sweeper released the hold; the settle still posts the whole cost, and says it came late.
      const late = await kit.credits.settle(stale.id, ONE);
      expect(late).toEqual({
        holdId: stale.id,
        status: 'expired',
        charged: ONE,
        overage: ONE,
        balance: { balance: 4 * ONE, held: ONE, available: 3 * ONE },
      });
      // Settled again (or released): once.
      expect(await kit.credits.settle(stale.id, 2 * ONE)).toEqual(late);
      expect(await kit.credits.release(stale.id)).toEqual(late);
      expect((await kit.credits.settle(fresh.id, ONE)).status).toBe('settled');
      expect(await kit.credits.balance(userId)).toEqual({ balance: 3 * ONE, held: 0, available: 3 * ONE });
      const usage = (await kit.credits.transactions(userId, { limit: 10 })).entries.filter(
        (e) => e.kind === 'usage',
      );
      expect(usage).toHaveLength(2);
      expect((await kit.credits.verifyLedger()).ok).toBe(true);
    });

    it('charges a swept hold once when many settles race for it', async () => {
      const userId = await userWith(5);
      const hold = await kit.credits.hold({ userId, amount: 2 * ONE, ttlMs: 1_000 });
      expect(await kit.credits.sweepExpiredHolds(Date.now() + 5_000)).toBe(1);
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, () => kit.credits.settle(hold.id, 3 * ONE)),
      );
      for (const o of outcomes)
        expect(o).toMatchObject({ status: 'expired', charged: 3 * ONE, overage: 3 * ONE });
      expect(await kit.credits.balance(userId)).toEqual({ balance: 2 * ONE, held: 0, available: 2 * ONE });
      const charges = await kit.database.db
        .selectFrom('ledger_transactions')
        .select('id')
        .where('reference', '=', hold.id)
        .execute();
      expect(charges).toHaveLength(1);
      expect((await kit.credits.verifyLedger()).ok).toBe(true);
    });

    it('charges once whether the sweeper or the settle gets to the hold first', async () => {
      const userId = await userWith(50);
      const holds = await Promise.all(
        Array.from({ length: 20 }, () => kit.credits.hold({ userId, amount: ONE, ttlMs: 1 })),
      );
      const later = Date.now() + 5_000;
      // Each hold is due: the sweeper and its settle race; the settle costs more than the hold.
      const [, ...outcomes] = await Promise.all([
        kit.credits.sweepExpiredHolds(later),
        ...holds.map((h) => kit.credits.settle(h.id, 2 * ONE)),
      ]);
      for (const o of outcomes as Array<{ charged: number; overage: number; status: string }>) {
        expect(o.charged).toBe(2 * ONE);
        expect(o.overage).toBe(o.status === 'expired' ? 2 * ONE : ONE);
      }
      expect(await kit.credits.balance(userId)).toEqual({ balance: 10 * ONE, held: 0, available: 10 * ONE });
      expect((await kit.credits.verifyLedger()).ok).toBe(true);
    });
  });
}
