import { testDialects } from '@smart-ai-hub/adapters/testing';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditsService } from './credits-service.js';
import { type CreditsKit, createCreditsKit } from './credits-test-kit.js';
import { creditsToUnits } from './money.js';

const ONE = creditsToUnits(1);
const TTL = 60_000;

for (const dialect of await testDialects()) {
  describe(`hold lifetime on ${dialect}`, () => {
    let kit: CreditsKit;
    beforeAll(async () => {
      kit = await createCreditsKit(dialect, { holdTtlMs: TTL });
    });
    afterAll(() => kit?.close());

    async function userWith(credits: number): Promise<string> {
      const userId = await kit.createUser();
      await kit.credits.grant({ userId, amount: creditsToUnits(credits), idempotencyKey: `seed-${userId}` });
      return userId;
    }

    const expiryOf = async (holdId: string) =>
      (
        await kit.database.db
          .selectFrom('credit_holds')
          .select('expires_at')
          .where('id', '=', holdId)
          .executeTakeFirstOrThrow()
      ).expires_at;

    it('renews a kept-alive hold past its TTL until it is settled, then no more', async () => {
      const userId = await userWith(5);
      const live = await kit.credits.hold({ userId, amount: ONE, keepAlive: true });
      const plain = await kit.credits.hold({ userId, amount: ONE });
      // Two TTLs later, as the renewer's ticks would have it (each a third of a TTL apart).
      const t1 = Date.now() + TTL / 3;
      const t2 = t1 + TTL;
      expect(await kit.credits.renewLiveHolds(t1)).toBeGreaterThanOrEqual(1);
      expect(await kit.credits.renewLiveHolds(t2)).toBeGreaterThanOrEqual(1);
      expect(await expiryOf(live.id)).toBe(t2 + TTL);
      expect(await expiryOf(plain.id)).toBe(plain.expiresAt);
      // A sweep at t2 finds the plain hold expired, the live one not.
      expect(await kit.credits.sweepExpiredHolds(t2)).toBe(1);
      expect(await kit.credits.settle(live.id, ONE)).toMatchObject({ status: 'settled', charged: ONE });
      expect(await kit.credits.renewLiveHolds(t2 + TTL)).toBe(0);
      expect(await kit.credits.balance(userId)).toEqual({ balance: 4 * ONE, held: 0, available: 4 * ONE });
      expect((await kit.credits.verifyLedger()).ok).toBe(true);
    });

    it("stops renewing a hold whose settle failed, and never renews another process's hold", async () => {
      const userId = await userWith(5);
      const failing = await kit.credits.hold({ userId, amount: ONE, keepAlive: true });
      await expect(kit.credits.settle(failing.id, -1)).rejects.toMatchObject({ code: 'validation_error' });
      // A replica that placed a kept-alive hold and then died: nobody renews it.
      const crashed = new CreditsService({
        database: kit.database,
        coordination: kit.coordination,
        log: pino({ level: 'silent' }),
        holdTtlMs: TTL,
        lowThreshold: 0,
      });
      const orphan = await crashed.hold({ userId, amount: ONE, keepAlive: true });
      const later = Date.now() + 2 * TTL;
      await kit.credits.renewLiveHolds(later - TTL);
      expect(await expiryOf(orphan.id)).toBe(orphan.expiresAt);
      expect(await expiryOf(failing.id)).toBe(failing.expiresAt);
      expect(await kit.credits.sweepExpiredHolds(later)).toBeGreaterThanOrEqual(2);
      expect(await kit.credits.balance(userId)).toEqual({ balance: 5 * ONE, held: 0, available: 5 * ONE });
      expect((await kit.credits.verifyLedger()).ok).toBe(true);
    });

    it("skips this process's live holds when sweeping, even past their expiry; another process's sweep does not", async () => {
      const userId = await userWith(5);
      const live = await kit.credits.hold({ userId, amount: 2 * ONE, keepAlive: true });
      // Far past its expiry, as after an event loop stalled longer than the TTL.
      const later = Date.now() + 10 * TTL;
      expect(await kit.credits.sweepExpiredHolds(later)).toBe(0);
      const replica = new CreditsService({
        database: kit.database,
        coordination: kit.coordination,
        log: pino({ level: 'silent' }),
        holdTtlMs: TTL,
        lowThreshold: 0,
      });
      expect(await replica.sweepExpiredHolds(later)).toBe(1);
      // The request was still running here: its settle charges what it used, all of it.
      expect(await kit.credits.settle(live.id, 3 * ONE)).toMatchObject({
        status: 'expired',
        charged: 3 * ONE,
        overage: 3 * ONE,
      });
      expect(await kit.credits.balance(userId)).toEqual({ balance: 2 * ONE, held: 0, available: 2 * ONE });
      expect((await kit.credits.verifyLedger()).ok).toBe(true);
    });

    it('runs expiry listeners inside the expiring transaction; one that throws leaves the hold open', async () => {
      await sql`create table if not exists expiry_probe (hold_id text primary key)`.execute(kit.database.db);
      const service = new CreditsService({
        database: kit.database,
        coordination: kit.coordination,
        log: pino({ level: 'silent' }),
        holdTtlMs: TTL,
        lowThreshold: 0,
      });
      let failNext = true;
      const seen: Array<{ holdId: string; amount: number; metadata: unknown }> = [];
      service.onHoldExpired(async (trx, hold) => {
        await trx.executeQuery(
          sql`insert into expiry_probe (hold_id) values (${hold.holdId})`.compile(kit.database.db),
        );
        if (failNext) {
          failNext = false;
          throw new Error('listener failed');
        }
        seen.push({ holdId: hold.holdId, amount: hold.amount, metadata: hold.metadata });
      });
      const userId = await userWith(5);
      const hold = await service.hold({ userId, amount: 2 * ONE, metadata: { apiKeyId: 'key_x' } });
      const later = Date.now() + 2 * TTL;
      const probe = () =>
        sql<{ hold_id: string }>`select hold_id from expiry_probe where hold_id = ${hold.id}`.execute(
          kit.database.db,
        );

      // The listener threw: its write rolled back with the expiry, the hold stays open and held.
      expect(await service.sweepExpiredHolds(later)).toBe(0);
      expect((await probe()).rows).toEqual([]);
      expect(await service.balance(userId)).toEqual({ balance: 5 * ONE, held: 2 * ONE, available: 3 * ONE });

      // The next sweep expires it, the listener's write committing with it.
      expect(await service.sweepExpiredHolds(later)).toBe(1);
      expect((await probe()).rows).toEqual([{ hold_id: hold.id }]);
      expect(seen).toEqual([{ holdId: hold.id, amount: 2 * ONE, metadata: { apiKeyId: 'key_x' } }]);
      expect(await service.balance(userId)).toEqual({ balance: 5 * ONE, held: 0, available: 5 * ONE });
      expect((await kit.credits.verifyLedger()).ok).toBe(true);
    });
  });
}
