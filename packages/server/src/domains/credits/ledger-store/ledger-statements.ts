import { type Database, prepareQuery } from '@smart-ai-hub/adapters';
import { type Kysely, sql } from 'kysely';
import type { NewHold } from './ledger-store.js';

type HoldStatus = 'settled' | 'released' | 'expired';

/**
 * The ledger's fixed statements, compiled once per database (see `prepareQuery`): building and
 * compiling a Kysely query costs more than running it on SQLite. The SQLite store's hot path
 * (place a hold; settle or release it), what both stores run alike (expiry, the late charge) and
 * the postings of every ledger transaction (`post-transaction.ts`). Each is the same SQL the query
 * builder wrote before; only the work per call is gone.
 */
export function createLedgerStatements(db: Kysely<Database>) {
  return {
    /** `held += amount` if `balance - held >= amount`: the check and the lock in one statement. */
    reserve: prepareQuery<Database, { accountId: string; amount: number; now: number }>(db, (db, p) =>
      db
        .updateTable('credit_accounts')
        .set((eb) => ({ held: eb('held', '+', p('amount')), updated_at: p('now') }))
        .where('id', '=', p('accountId'))
        .where(sql<boolean>`balance - held >= ${p('amount')}`),
    ),

    insertHold: prepareQuery<Database, NewHold>(db, (db, p) =>
      db.insertInto('credit_holds').values({
        id: p('id'),
        account_id: p('accountId'),
        user_id: p('userId'),
        amount: p('amount'),
        status: 'open',
        request_id: p('requestId'),
        metadata: p('metadata'),
        expires_at: p('expiresAt'),
        created_at: p('now'),
      }),
    ),

    /** The exactly-once transition: only the caller that finds the hold open updates a row. */
    claimHold: prepareQuery<
      Database,
      {
        id: string;
        status: HoldStatus;
        charged: number;
        overage: number;
        now: number;
        transactionId: string | null;
      }
    >(db, (db, p) =>
      db
        .updateTable('credit_holds')
        .set({
          status: p('status'),
          settled_amount: p('charged'),
          overage: p('overage'),
          resolved_at: p('now'),
          transaction_id: p('transactionId'),
        })
        .where('id', '=', p('id'))
        .where('status', '=', 'open'),
    ),

    /**
     * Records the charge of a hold the sweeper expired before its settle came: only the first such
     * settle finds it uncharged (`transaction_id is null`); the hold's amount was already released.
     */
    claimExpiredHold: prepareQuery<Database, { id: string; charged: number; transactionId: string }>(
      db,
      (db, p) =>
        db
          .updateTable('credit_holds')
          .set({
            settled_amount: p('charged'),
            overage: p('charged'),
            transaction_id: p('transactionId'),
          })
          .where('id', '=', p('id'))
          .where('status', '=', 'expired')
          .where('transaction_id', 'is', null),
    ),

    /** An account's balance and held amount. */
    readBalance: prepareQuery<Database, { accountId: string }>(db, (db, p) =>
      db.selectFrom('credit_accounts').select(['balance', 'held']).where('id', '=', p('accountId')),
    ),

    /** Gives a released hold's amount back to `available`. */
    releaseHeld: prepareQuery<Database, { accountId: string; amount: number; now: number }>(db, (db, p) =>
      db
        .updateTable('credit_accounts')
        .set((eb) => ({ held: eb('held', '-', p('amount')), updated_at: p('now') }))
        .where('id', '=', p('accountId'))
        .returning(['balance', 'held']),
    ),

    insertTransaction: prepareQuery<
      Database,
      {
        id: string;
        kind: string;
        idempotencyKey: string | null;
        userId: string;
        reference: string | null;
        description: string | null;
        metadata: string | null;
        now: number;
      }
    >(db, (db, p) =>
      db.insertInto('ledger_transactions').values({
        id: p('id'),
        kind: p('kind'),
        idempotency_key: p('idempotencyKey'),
        user_id: p('userId'),
        reference: p('reference'),
        description: p('description'),
        metadata: p('metadata'),
        created_at: p('now'),
      }),
    ),

    /** The two postings of a user transaction: `amount` to the user, `-amount` to the counter account. */
    insertPostings: prepareQuery<
      Database,
      {
        userPostingId: string;
        counterPostingId: string;
        transactionId: string;
        userAccountId: string;
        counterAccountId: string;
        amount: number;
        negated: number;
        now: number;
      }
    >(db, (db, p) =>
      db.insertInto('ledger_postings').values([
        {
          id: p('userPostingId'),
          transaction_id: p('transactionId'),
          account_id: p('userAccountId'),
          amount: p('amount'),
          created_at: p('now'),
        },
        {
          id: p('counterPostingId'),
          transaction_id: p('transactionId'),
          account_id: p('counterAccountId'),
          amount: p('negated'),
          created_at: p('now'),
        },
      ]),
    ),

    /** Moves the user's balance projection (and releases `release` of its held amount). */
    moveBalance: prepareQuery<Database, { accountId: string; amount: number; release: number; now: number }>(
      db,
      (db, p) =>
        db
          .updateTable('credit_accounts')
          .set((eb) => ({
            balance: eb('balance', '+', p('amount')),
            held: eb('held', '-', p('release')),
            updated_at: p('now'),
          }))
          .where('id', '=', p('accountId'))
          .returning(['balance', 'held']),
    ),
  };
}

export type LedgerStatements = ReturnType<typeof createLedgerStatements>;
