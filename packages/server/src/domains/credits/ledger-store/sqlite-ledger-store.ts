import { type CreditPaymentsTable, type Database, newId } from '@smart-ai-hub/adapters';
import type { Selectable, Transaction } from 'kysely';
import type { Balance } from '../credits-port.js';
import { postUserTransaction, toBalance } from '../post-transaction.js';
import { KyselyLedgerStore } from './kysely-ledger-store.js';
import type { HoldPlacement, HoldResolution, NewHold } from './ledger-store.js';

const PLACED: HoldPlacement = { placed: true };

/**
 * SQLite: the hot path as group-commit units of prepared statements (see `createSqliteGroupCommit`:
 * the units of one event-loop turn share a transaction and its commit). One writer, so no locks.
 */
export class SqliteLedgerStore extends KyselyLedgerStore {
  placeHold(hold: NewHold): Promise<HoldPlacement> {
    const { reserve, insertHold, readBalance } = this.statements;
    // The guarded update first: a refusal writes nothing, so it is an answer, not an error that
    // would make the group commit run the whole group again.
    return this.groupCommit(async (trx) => {
      const reserved = await trx.executeQuery(
        reserve.bind({ accountId: hold.accountId, amount: hold.amount, now: hold.now }),
      );
      if (Number(reserved.numAffectedRows) !== 1) {
        const { rows } = await trx.executeQuery(readBalance.bind({ accountId: hold.accountId }));
        const account = rows[0] as { balance: number; held: number };
        return { placed: false, available: account.balance - account.held };
      }
      await trx.executeQuery(insertHold.bind(hold));
      return PLACED;
    });
  }

  resolveHold(r: HoldResolution): Promise<Balance | null> {
    const { claimHold, releaseHeld } = this.statements;
    // Chosen up front, so that the claim records it.
    const transactionId = r.charged > 0 ? newId('ltx') : null;
    return this.groupCommit(async (trx) => {
      const claimed = await trx.executeQuery(
        claimHold.bind({
          id: r.holdId,
          status: r.status,
          charged: r.charged,
          overage: r.overage,
          now: r.now,
          transactionId,
        }),
      );
      if (Number(claimed.numAffectedRows) !== 1) return null;
      if (r.charged === 0) {
        const { rows } = await trx.executeQuery(
          releaseHeld.bind({ accountId: r.hold.accountId, amount: r.hold.amount, now: r.now }),
        );
        return toBalance(rows[0] as { balance: number; held: number });
      }
      const { balance } = await postUserTransaction(
        trx,
        this.statements,
        {
          transactionId: transactionId!,
          kind: 'usage',
          idempotencyKey: `hold:${r.holdId}`,
          userId: r.hold.userId,
          userAccountId: r.hold.accountId,
          counterAccountId: r.counterAccountId!,
          amount: -r.charged,
          reference: r.holdId,
          description: r.description,
          metadata: r.metadata,
          releaseHeld: r.hold.amount,
        },
        r.now,
      );
      return balance;
    });
  }

  /** No lock to take: SQLite's one writer keeps every other transaction out until this one ends. */
  lockPayment(trx: Transaction<Database>, paymentId: string): Promise<Selectable<CreditPaymentsTable>> {
    return trx
      .selectFrom('credit_payments')
      .selectAll()
      .where('id', '=', paymentId)
      .executeTakeFirstOrThrow();
  }
}
