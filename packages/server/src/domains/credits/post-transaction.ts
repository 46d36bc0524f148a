import { type Database, newId } from '@smart-ai-hub/adapters';
import type { Kysely } from 'kysely';
import type { Balance } from './credits-port.js';

/** A movement between a user's account and a system account: one balanced ledger transaction. */
export interface UserPosting {
  kind: string;
  /** Unique across the ledger when set: a second transaction with it fails as a unique violation. */
  idempotencyKey?: string | null;
  userId: string;
  userAccountId: string;
  /** The system account on the other side. */
  counterAccountId: string;
  /** Signed units to the user's account (the counter account gets the opposite). */
  amount: number;
  reference?: string | null;
  description?: string | null;
  metadata?: Record<string, unknown> | null;
  /** Also release this much of the user's `held` (a settled hold). */
  releaseHeld?: number;
  /** The id to give the transaction (default: a new one), when the caller must record it first. */
  transactionId?: string;
}

export function toBalance(row: { balance: number; held: number }): Balance {
  return { balance: row.balance, held: row.held, available: row.balance - row.held };
}

/**
 * Writes a balanced transaction (two postings summing to zero) and moves the user's balance
 * projection in the same database transaction. System accounts keep no projection: their
 * balance is the sum of their postings (a projection there would make every charge in the hub
 * wait on one row). Resolves with the user's balance after the movement.
 */
export async function postUserTransaction(
  trx: Kysely<Database>,
  posting: UserPosting,
  now = Date.now(),
): Promise<{ transactionId: string; balance: Balance }> {
  if (!Number.isSafeInteger(posting.amount))
    throw new RangeError(`Not an amount of units: ${posting.amount}`);
  const transactionId = posting.transactionId ?? newId('ltx');
  await trx
    .insertInto('ledger_transactions')
    .values({
      id: transactionId,
      kind: posting.kind,
      idempotency_key: posting.idempotencyKey ?? null,
      user_id: posting.userId,
      reference: posting.reference ?? null,
      description: posting.description ?? null,
      metadata: posting.metadata ? JSON.stringify(posting.metadata) : null,
      created_at: now,
    })
    .execute();
  await trx
    .insertInto('ledger_postings')
    .values([
      {
        id: newId('lpo'),
        transaction_id: transactionId,
        account_id: posting.userAccountId,
        amount: posting.amount,
        created_at: now,
      },
      {
        id: newId('lpo'),
        transaction_id: transactionId,
        account_id: posting.counterAccountId,
        amount: -posting.amount,
        created_at: now,
      },
    ])
    .execute();
  const release = posting.releaseHeld ?? 0;
  const row = await trx
    .updateTable('credit_accounts')
    .set((eb) => ({
      balance: eb('balance', '+', posting.amount),
      held: eb('held', '-', release),
      updated_at: now,
    }))
    .where('id', '=', posting.userAccountId)
    .returning(['balance', 'held'])
    .executeTakeFirstOrThrow();
  return { transactionId, balance: toBalance(row) };
}
