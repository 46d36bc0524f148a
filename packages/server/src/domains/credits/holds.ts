import { newId } from '@smart-ai-hub/adapters';
import { sql } from 'kysely';
import { HubError, notFound } from '../../http/hub-error.js';
import type { CreditEvent } from './credit-events.js';
import type { CreditHold, HoldInput, HoldOutcome, SettleDetails } from './credits-port.js';
import type { LedgerDeps } from './ledger-deps.js';
import { unitsToCredits } from './money.js';
import { postUserTransaction, toBalance } from './post-transaction.js';

function assertUnits(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new HubError(
      400,
      'validation_error',
      `${name} must be an integer number of credit units >= ${min}`,
    );
  }
}

/**
 * Reserves `amount` units with one guarded update (`held += amount where balance - held >= amount`):
 * the `where` is both the check and the lock, so concurrent holds never overdraw, and a negative
 * balance (after a refund) refuses every hold.
 */
export async function placeHold(deps: LedgerDeps, input: HoldInput): Promise<CreditHold> {
  assertUnits('amount', input.amount, 1);
  const accountId = await deps.accounts.user(input.userId);
  const now = Date.now();
  const hold: CreditHold = {
    id: newId('hold'),
    userId: input.userId,
    amount: input.amount,
    expiresAt: now + (input.ttlMs ?? deps.holdTtlMs),
  };
  const available = await deps.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('credit_accounts')
      .set((eb) => ({ held: eb('held', '+', input.amount), updated_at: now }))
      .where('id', '=', accountId)
      .where(sql<boolean>`balance - held >= ${input.amount}`)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      const row = await trx
        .selectFrom('credit_accounts')
        .select(['balance', 'held'])
        .where('id', '=', accountId)
        .executeTakeFirstOrThrow();
      return row.balance - row.held;
    }
    await trx
      .insertInto('credit_holds')
      .values({
        id: hold.id,
        account_id: accountId,
        user_id: input.userId,
        amount: input.amount,
        status: 'open',
        request_id: input.requestId ?? null,
        metadata: input.metadata ? JSON.stringify(input.metadata) : null,
        expires_at: hold.expiresAt,
        created_at: now,
      })
      .execute();
    return null;
  });
  if (available !== null) {
    const required = unitsToCredits(input.amount);
    const have = unitsToCredits(available);
    throw new HubError(
      402,
      'insufficient_credits',
      `Insufficient credits: this needs ${required} credits and ${have} are available`,
      { required, available: have },
    );
  }
  return hold;
}

type Resolution =
  | { status: 'settled'; cost: number; details?: SettleDetails }
  | { status: 'released' | 'expired'; reason?: string };

/**
 * Settles, releases or expires a hold exactly once: the guarded transition
 * `update credit_holds set status = ? where id = ? and status = 'open'` decides which caller
 * wins; only the winner moves money, in the same transaction. Losers get the first outcome.
 */
export async function resolveHold(
  deps: LedgerDeps,
  holdId: string,
  resolution: Resolution,
): Promise<HoldOutcome> {
  return (await transitionHold(deps, holdId, resolution)).outcome;
}

/** {@link resolveHold}, also saying whether this call made the transition (`won`) or found it made. */
async function transitionHold(
  deps: LedgerDeps,
  holdId: string,
  resolution: Resolution,
): Promise<{ outcome: HoldOutcome; won: boolean }> {
  if (resolution.status === 'settled') assertUnits('actualCost', resolution.cost, 0);
  const hold = await deps.db
    .selectFrom('credit_holds')
    .select(['id', 'account_id', 'user_id', 'amount', 'status', 'request_id'])
    .where('id', '=', holdId)
    .executeTakeFirst();
  if (!hold) throw notFound(`Hold ${holdId}`);
  const charged = resolution.status === 'settled' ? Math.min(resolution.cost, hold.amount) : 0;
  const usageAccount = charged > 0 ? await deps.accounts.system('usage') : null;
  const now = Date.now();

  // The charge's ledger transaction id is chosen up front, so the claim records it in one statement.
  const transactionId = charged > 0 ? newId('ltx') : null;
  const won = await deps.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('credit_holds')
      .set({
        status: resolution.status,
        settled_amount: charged,
        resolved_at: now,
        transaction_id: transactionId,
      })
      .where('id', '=', holdId)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return null;
    if (charged === 0) {
      const row = await trx
        .updateTable('credit_accounts')
        .set((eb) => ({ held: eb('held', '-', hold.amount), updated_at: now }))
        .where('id', '=', hold.account_id)
        .returning(['balance', 'held'])
        .executeTakeFirstOrThrow();
      return { balance: toBalance(row), events: [] as CreditEvent[] };
    }
    const details = resolution.status === 'settled' ? resolution.details : undefined;
    const { balance } = await postUserTransaction(
      trx,
      {
        transactionId: transactionId!,
        kind: 'usage',
        idempotencyKey: `hold:${holdId}`,
        userId: hold.user_id,
        userAccountId: hold.account_id,
        counterAccountId: usageAccount!,
        amount: -charged,
        reference: holdId,
        description: details?.description ?? null,
        metadata: { ...details?.metadata, ...(hold.request_id ? { requestId: hold.request_id } : {}) },
        releaseHeld: hold.amount,
      },
      now,
    );
    return { balance, events: deps.events.balanceChanged(hold.user_id, -charged, balance, 'usage') };
  });

  if (won) {
    await deps.events.publish(won.events);
    return { outcome: { holdId, status: resolution.status, charged, balance: won.balance }, won: true };
  }
  // Someone else resolved it first: answer with that outcome.
  const first = await deps.db
    .selectFrom('credit_holds')
    .innerJoin('credit_accounts', 'credit_accounts.id', 'credit_holds.account_id')
    .select([
      'credit_holds.status',
      'credit_holds.settled_amount',
      'credit_accounts.balance',
      'credit_accounts.held',
    ])
    .where('credit_holds.id', '=', holdId)
    .executeTakeFirstOrThrow();
  const outcome: HoldOutcome = {
    holdId,
    status: first.status as HoldOutcome['status'],
    charged: first.settled_amount ?? 0,
    balance: toBalance(first),
  };
  return { outcome, won: false };
}

/** Expires every open hold whose time has passed (as of `now`); resolves with how many it expired. */
export async function sweepExpiredHolds(deps: LedgerDeps, now = Date.now(), batch = 500): Promise<number> {
  let expired = 0;
  for (;;) {
    const due = await deps.db
      .selectFrom('credit_holds')
      .select('id')
      .where('status', '=', 'open')
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(batch)
      .execute();
    for (const { id } of due) {
      const { won } = await transitionHold(deps, id, { status: 'expired', reason: 'expired' });
      if (won) expired++;
    }
    if (due.length < batch) return expired;
  }
}
