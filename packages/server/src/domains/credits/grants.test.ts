import { testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CreditsKit, createCreditsKit } from './credits-test-kit.js';
import { creditsToUnits } from './money.js';

const ONE = creditsToUnits(1);

for (const dialect of await testDialects()) {
  describe(`grants, history and events on ${dialect}`, () => {
    let kit: CreditsKit;
    beforeAll(async () => {
      kit = await createCreditsKit(dialect, { lowThreshold: 5 * ONE });
    });
    afterAll(() => kit?.close());

    it('grants once per idempotency key, whether replayed in sequence or at once', async () => {
      const userId = await kit.createUser();
      const first = await kit.credits.grant({ userId, amount: 10 * ONE, idempotencyKey: 'k1' });
      expect(first).toMatchObject({
        userId,
        amount: 10 * ONE,
        replayed: false,
        balance: { balance: 10 * ONE },
      });
      const again = await kit.credits.grant({ userId, amount: 10 * ONE, idempotencyKey: 'k1' });
      expect(again).toMatchObject({ transactionId: first.transactionId, replayed: true });
      const burst = await Promise.all(
        Array.from({ length: 20 }, () =>
          kit.credits.grant({ userId, amount: 3 * ONE, idempotencyKey: 'k2' }),
        ),
      );
      expect(new Set(burst.map((b) => b.transactionId)).size).toBe(1);
      expect(burst.filter((b) => !b.replayed)).toHaveLength(1);
      expect((await kit.credits.balance(userId)).balance).toBe(13 * ONE);
      expect((await kit.credits.verifyLedger()).ok).toBe(true);
    });

    it('refuses a key reused for another amount or user with 422', async () => {
      const userId = await kit.createUser();
      await kit.credits.grant({ userId, amount: ONE, idempotencyKey: 'k3' });
      await expect(
        kit.credits.grant({ userId, amount: 2 * ONE, idempotencyKey: 'k3' }),
      ).rejects.toMatchObject({
        statusCode: 422,
        code: 'idempotency_key_reused',
      });
      const other = await kit.createUser();
      await expect(
        kit.credits.grant({ userId: other, amount: ONE, idempotencyKey: 'k3' }),
      ).rejects.toMatchObject({
        code: 'idempotency_key_reused',
      });
      expect((await kit.credits.balance(other)).balance).toBe(0);
    });

    it('answers 404 for a grant to a user that does not exist', async () => {
      await expect(
        kit.credits.grant({ userId: 'usr_missing', amount: ONE, idempotencyKey: 'k4' }),
      ).rejects.toMatchObject({
        statusCode: 404,
      });
    });

    it('lists a user’s own transactions newest first, page by page', async () => {
      const userId = await kit.createUser();
      const other = await kit.createUser();
      await kit.credits.grant({ userId: other, amount: ONE, idempotencyKey: `o-${other}` });
      for (let i = 1; i <= 5; i++) {
        await kit.credits.grant({ userId, amount: i * ONE, idempotencyKey: `h-${userId}-${i}` });
      }
      const first = await kit.credits.transactions(userId, { limit: 2 });
      expect(first.entries.map((e) => e.amount)).toEqual([5 * ONE, 4 * ONE]);
      const second = await kit.credits.transactions(userId, { limit: 2, cursor: first.nextCursor! });
      expect(second.entries.map((e) => e.amount)).toEqual([3 * ONE, 2 * ONE]);
      const last = await kit.credits.transactions(userId, { limit: 2, cursor: second.nextCursor! });
      expect(last.entries.map((e) => e.amount)).toEqual([ONE]);
      expect(last.nextCursor).toBeNull();
      expect(await kit.credits.transactions('usr_never', { limit: 5 })).toEqual({
        entries: [],
        nextCursor: null,
      });
    });

    it('emits credits.changed on every movement and credits.low once per crossing', async () => {
      const userId = await kit.createUser();
      await kit.credits.grant({ userId, amount: 7 * ONE, idempotencyKey: `e-${userId}` });
      // 7 -> 6 -> 4 (crosses 5) -> 3 -> top-up 10 -> 8 (crosses again)
      for (const cost of [1, 2, 1]) {
        const hold = await kit.credits.hold({ userId, amount: cost * ONE });
        await kit.credits.settle(hold.id, cost * ONE);
      }
      await kit.credits.grant({ userId, amount: 7 * ONE, idempotencyKey: `e2-${userId}` });
      const hold = await kit.credits.hold({ userId, amount: 6 * ONE });
      await kit.credits.settle(hold.id, 6 * ONE);
      const mine = (await kit.readEvents()).filter((e) => e.data.userId === userId);
      expect(mine.filter((e) => e.type === 'credits.changed').map((e) => e.data.balance)).toEqual([
        7, 6, 4, 3, 10, 4,
      ]);
      const low = mine.filter((e) => e.type === 'credits.low');
      expect(low.map((e) => e.data.balance)).toEqual([4, 4]);
      expect(low[0]!.data.threshold).toBe(5);
    });

    it('finds a tampered projection and names the account and field', async () => {
      const userId = await kit.createUser();
      await kit.credits.grant({ userId, amount: 2 * ONE, idempotencyKey: `t-${userId}` });
      await kit.database.db
        .updateTable('credit_accounts')
        .set({ balance: 99 })
        .where('code', '=', `user:${userId}`)
        .execute();
      const report = await kit.credits.verifyLedger();
      expect(report.ok).toBe(false);
      expect(report.mismatches).toEqual([
        expect.objectContaining({
          code: `user:${userId}`,
          field: 'balance',
          projected: 99,
          recomputed: 2 * ONE,
        }),
      ]);
      await kit.database.db
        .updateTable('credit_accounts')
        .set({ balance: 2 * ONE })
        .where('code', '=', `user:${userId}`)
        .execute();
      expect((await kit.credits.verifyLedger()).ok).toBe(true);
    });
  });
}
