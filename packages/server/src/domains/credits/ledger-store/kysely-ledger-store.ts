import {
  type CommitUnit,
  type CreditPaymentsTable,
  type Database,
  type HubDatabase,
  newId,
  type QueryRunner,
} from '@smart-ai-hub/adapters';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Balance } from '../credits-port.js';
import type { HoldFacts } from '../hold-facts.js';
import { postUserTransaction, toBalance } from '../post-transaction.js';
import type { LedgerStatements } from './ledger-statements.js';
import type {
  DueHold,
  ExpiredCharge,
  HoldPlacement,
  HoldResolution,
  LedgerStore,
  NewHold,
  StoredOutcome,
} from './ledger-store.js';

/** Holds renewed per statement (well under SQLite's and PostgreSQL's parameter limits). */
const RENEW_BATCH = 500;

/**
 * What every Kysely backend runs alike: the parts of a hold's life off the hot path (expiry, the
 * late charge, renewals, reads), one ordinary group-commit unit or query each. A backend supplies
 * the hot path ({@link placeHold}, {@link resolveHold}) and the payment row lock.
 */
export abstract class KyselyLedgerStore implements LedgerStore {
  protected readonly db: Kysely<Database>;

  constructor(
    private readonly database: HubDatabase,
    protected readonly statements: LedgerStatements,
  ) {
    this.db = database.db;
  }

  abstract placeHold(hold: NewHold): Promise<HoldPlacement>;
  abstract resolveHold(resolution: HoldResolution): Promise<Balance | null>;
  abstract lockPayment(
    trx: Transaction<Database>,
    paymentId: string,
  ): Promise<Selectable<CreditPaymentsTable>>;

  /** A small write unit that may share its commit (see `HubDatabase.groupCommit`). */
  protected groupCommit<T>(unit: CommitUnit<T>): Promise<T> {
    return this.database.groupCommit(unit);
  }

  expireHold(
    hold: DueHold,
    now: number,
    inTransaction: (trx: QueryRunner) => Promise<void>,
  ): Promise<boolean> {
    const { claimHold, releaseHeld } = this.statements;
    return this.groupCommit(async (trx) => {
      const claimed = await trx.executeQuery(
        claimHold.bind({ id: hold.id, status: 'expired', charged: 0, overage: 0, now, transactionId: null }),
      );
      if (Number(claimed.numAffectedRows) !== 1) return false;
      await trx.executeQuery(releaseHeld.bind({ accountId: hold.accountId, amount: hold.amount, now }));
      await inTransaction(trx);
      return true;
    });
  }

  async chargeExpiredHold(charge: ExpiredCharge): Promise<Balance | null> {
    const transactionId = newId('ltx');
    return this.groupCommit(async (trx) => {
      const claimed = await trx.executeQuery(
        this.statements.claimExpiredHold.bind({ id: charge.holdId, charged: charge.charged, transactionId }),
      );
      if (Number(claimed.numAffectedRows) !== 1) return null;
      const posted = await postUserTransaction(
        trx,
        this.statements,
        {
          transactionId,
          kind: 'usage',
          idempotencyKey: `hold:${charge.holdId}`,
          userId: charge.hold.userId,
          userAccountId: charge.hold.accountId,
          counterAccountId: charge.counterAccountId,
          amount: -charge.charged,
          reference: charge.holdId,
          description: charge.description,
          metadata: charge.metadata,
        },
        charge.now,
      );
      return posted.balance;
    });
  }

  async readHold(holdId: string): Promise<HoldFacts | undefined> {
    const row = await this.db
      .selectFrom('credit_holds')
      .select(['account_id', 'user_id', 'amount', 'request_id'])
      .where('id', '=', holdId)
      .executeTakeFirst();
    if (!row) return undefined;
    return { accountId: row.account_id, userId: row.user_id, amount: row.amount, requestId: row.request_id };
  }

  async readOutcome(holdId: string): Promise<StoredOutcome> {
    const row = await this.db
      .selectFrom('credit_holds')
      .innerJoin('credit_accounts', 'credit_accounts.id', 'credit_holds.account_id')
      .select([
        'credit_holds.status',
        'credit_holds.settled_amount',
        'credit_holds.overage',
        'credit_holds.transaction_id',
        'credit_accounts.balance',
        'credit_accounts.held',
      ])
      .where('credit_holds.id', '=', holdId)
      .executeTakeFirstOrThrow();
    return {
      status: row.status,
      posted: row.transaction_id !== null,
      charged: row.settled_amount ?? 0,
      overage: row.overage,
      balance: toBalance(row),
    };
  }

  async dueHolds(now: number, limit: number): Promise<DueHold[]> {
    const rows = await this.db
      .selectFrom('credit_holds')
      .select(['id', 'account_id', 'user_id', 'amount', 'metadata'])
      // A literal, not a parameter: SQLite uses the partial index of open holds only when the
      // query's condition matches the index's own (`status = 'open'`) as written.
      .where('status', '=', sql.lit('open'))
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      accountId: row.account_id,
      userId: row.user_id,
      amount: row.amount,
      metadata: row.metadata,
    }));
  }

  async renewHolds(holdIds: readonly string[], expiresAt: number): Promise<number> {
    let renewed = 0;
    for (let i = 0; i < holdIds.length; i += RENEW_BATCH) {
      const result = await this.db
        .updateTable('credit_holds')
        .set({ expires_at: expiresAt })
        .where('id', 'in', holdIds.slice(i, i + RENEW_BATCH))
        // A literal, like the sweeper's: the partial index of open holds is kept in step.
        .where('status', '=', sql.lit('open'))
        .executeTakeFirst();
      renewed += Number(result.numUpdatedRows);
    }
    return renewed;
  }
}
