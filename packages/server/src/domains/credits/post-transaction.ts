import { newId, type QueryRunner } from '@smart-ai-hub/adapters';
import { HubError } from '../../http/hub-error.js';
import type { Balance } from './credits-port.js';
import type { LedgerStatements } from './ledger-store/ledger-statements.js';
import { MAX_CREDITS, MAX_UNITS } from './money.js';

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
 * wait on one row). A credit that would take the balance above {@link MAX_UNITS} is refused (and
 * rolled back with the caller's transaction), so every balance stays exact on the API.
 * Resolves with the user's balance after the movement.
 */
export async function postUserTransaction(
  trx: QueryRunner,
  statements: LedgerStatements,
  posting: UserPosting,
  now = Date.now(),
): Promise<{ transactionId: string; balance: Balance }> {
  if (!Number.isSafeInteger(posting.amount))
    throw new RangeError(`Not an amount of units: ${posting.amount}`);
  const transactionId = posting.transactionId ?? newId('ltx');
  await trx.executeQuery(
    statements.insertTransaction.bind({
      id: transactionId,
      kind: posting.kind,
      idempotencyKey: posting.idempotencyKey ?? null,
      userId: posting.userId,
      reference: posting.reference ?? null,
      description: posting.description ?? null,
      metadata: posting.metadata ? JSON.stringify(posting.metadata) : null,
      now,
    }),
  );
  await trx.executeQuery(
    statements.insertPostings.bind({
      userPostingId: newId('lpo'),
      counterPostingId: newId('lpo'),
      transactionId,
      userAccountId: posting.userAccountId,
      counterAccountId: posting.counterAccountId,
      amount: posting.amount,
      negated: -posting.amount,
      now,
    }),
  );
  const { rows } = await trx.executeQuery(
    statements.moveBalance.bind({
      accountId: posting.userAccountId,
      amount: posting.amount,
      release: posting.releaseHeld ?? 0,
      now,
    }),
  );
  const row = rows[0] as { balance: number; held: number } | undefined;
  if (!row) throw new Error(`Ledger account ${posting.userAccountId} not found`);
  if (posting.amount > 0 && row.balance > MAX_UNITS) {
    // Thrown inside the caller's transaction, so nothing of this posting is kept.
    throw new HubError(
      422,
      'balance_limit_exceeded',
      `This would take the balance above ${MAX_CREDITS} credits, the most one account holds`,
      { maxBalance: MAX_CREDITS },
    );
  }
  return { transactionId, balance: toBalance(row) };
}
