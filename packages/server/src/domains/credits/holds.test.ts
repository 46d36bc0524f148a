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

    it('settles to the real cost, clamped to the hold, releasing the rest', async () => {
      const userId = await userWith(2);
      const small = await kit.credits.hold({ userId, amount: ONE });
      const outcome = await kit.credits.settle(small.id, 1234);
      expect(outcome).toEqual({
        holdId: small.id,
        status: 'settled',
        charged: 1234,
        balance: { balance: 2 * ONE - 1234, held: 0, available: 2 * ONE - 1234 },
      });
      const over = await kit.credits.hold({ userId, amount: 100 });
      expect((await kit.credits.settle(over.id, 10 * ONE)).charged).toBe(100);
      const free = await kit.credits.hold({ userId, amount: 100 });
      const zero = await kit.credits.settle(free.id, 0);
      expect(zero.charged).toBe(0);
      expect(await kit.credits.balance(userId)).toEqual({
        balance: 2 * ONE - 1334,
        held: 0,
        available: 2 * ONE - 1334,
      });
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

    it('sweeps expired holds exactly once, and a late settle gets the expired outcome', async () => {
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
      expect(await kit.credits.settle(stale.id, ONE)).toMatchObject({ status: 'expired', charged: 0 });
      expect((await kit.credits.settle(fresh.id, ONE)).status).toBe('settled');
      expect(await kit.credits.balance(userId)).toEqual({ balance: 4 * ONE, held: 0, available: 4 * ONE });
      expect((await kit.credits.verifyLedger()).ok).toBe(true);
    });
  });
}
