import { createTestDatabase, type TestDatabase, testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditsToUnits } from '../credits/money.js';
import { createAuditLog } from './audit-log.js';
import { auditMoneyMovement } from './money-audit.js';

for (const dialect of await testDialects()) {
  describe(`the money audit hook on ${dialect}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase(dialect);
    });
    afterAll(async () => {
      await database?.drop();
    });

    it('records grants, payments, refunds, disputes and refused sessions, amounts in credits', async () => {
      const audit = createAuditLog(database.db);
      await database.db.transaction().execute(async (trx) => {
        await auditMoneyMovement(trx, {
          kind: 'grant',
          userId: 'usr_a',
          amount: creditsToUnits(12.5),
          transactionId: 'txn_1',
          idempotencyKey: 'grant-1',
          grantedBy: 'usr_admin',
        });
        const payment = {
          kind: 'payment_event' as const,
          userId: 'usr_a',
          provider: 'stripe',
          paymentId: 'pi_1',
        };
        await auditMoneyMovement(trx, {
          ...payment,
          amount: creditsToUnits(100),
          eventId: 'evt_1',
          eventType: 'checkout.session.completed',
        });
        await auditMoneyMovement(trx, {
          ...payment,
          amount: -creditsToUnits(40),
          eventId: 'evt_2',
          eventType: 'charge.refunded',
        });
        await auditMoneyMovement(trx, {
          ...payment,
          amount: -creditsToUnits(60),
          eventId: 'evt_3',
          eventType: 'charge.dispute.created',
        });
        await auditMoneyMovement(trx, {
          ...payment,
          userId: null,
          amount: 0,
          eventId: 'evt_4',
          eventType: 'checkout.session.completed',
          refused: 'unknown_session',
        });
      });
      const page = await audit.list({ limit: 10 });
      expect(page.data.reverse().map((r) => [r.action, r.changes?.after?.amount])).toEqual([
        ['credits.granted', 12.5],
        ['payment.succeeded', 100],
        ['payment.refunded', -40],
        ['payment.disputed', -60],
        ['payment.refused', 0],
      ]);
      expect(page.data[0]).toMatchObject({
        userId: 'usr_a',
        details: { transactionId: 'txn_1', idempotencyKey: 'grant-1', grantedBy: 'usr_admin' },
      });
      expect(page.data[1]).toMatchObject({
        actor: { kind: 'system' },
        target: { type: 'payment', id: 'pi_1' },
        details: { provider: 'stripe', eventId: 'evt_1' },
      });
      expect((await audit.verify()).ok).toBe(true);
    });

    it('commits with the movement’s transaction or not at all', async () => {
      const audit = createAuditLog(database.db);
      const before = (await audit.verify()).lastSeq;
      await expect(
        database.db.transaction().execute(async (trx) => {
          await auditMoneyMovement(trx, {
            kind: 'grant',
            userId: 'usr_b',
            amount: 1,
            transactionId: 'txn_rolled_back',
            idempotencyKey: 'grant-2',
          });
          throw new Error('the ledger refused the movement');
        }),
      ).rejects.toThrow('the ledger refused');
      expect((await audit.list({ limit: 10, target: 'usr_b' })).data).toEqual([]);
      expect(await audit.verify()).toMatchObject({ ok: true, lastSeq: before });
    });
  });
}
