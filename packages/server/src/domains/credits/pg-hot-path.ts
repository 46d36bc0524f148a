import { serverPrepared } from '@smart-ai-hub/adapters';
import { CompiledQuery } from 'kysely';
import type { HoldRow } from './ledger-statements.js';

/*
 * PostgreSQL's forms of the hot path: a hold and a hold's resolution as ONE statement each (data-
 * modifying CTEs), run outside an explicit transaction. Their multi-statement forms (holds.ts, for
 * SQLite) hold the account row's lock across client round trips until the commit; here the lock
 * lasts one statement inside the server. Every request of one busy API key updates the same
 * account row twice, so that lock is what a busy key waits on: measured with 32 concurrent pairs
 * on one account, 364 hold+settle pairs/s as transactions, ~2,000 as these statements.
 * The arithmetic and the guards are the same as the SQLite forms'; the credits suites run both.
 */

// Prepared once per connection (`serverPrepared`): these run on every gateway request.
const PLACE_HOLD = serverPrepared(
  `with reserved as (
     update credit_accounts set held = held + $2, updated_at = $3
     where id = $1 and balance - held >= $2
     returning id
   ), placed as (
     insert into credit_holds (id, account_id, user_id, amount, status, request_id, metadata, expires_at, created_at)
     select $4, $1, $5, $2, 'open', $6, $7, $8, $3 from reserved
     returning id
   )
   select (select count(*) from placed) as placed, a.balance, a.held from credit_accounts a where a.id = $1`,
);

const RESOLVE_HOLD = serverPrepared(
  `with claimed as (
     update credit_holds set status = $2, settled_amount = $3, resolved_at = $4, transaction_id = $5, overage = $11
     where id = $1 and status = 'open'
     returning account_id, user_id, amount
   ), tx as (
     insert into ledger_transactions (id, kind, idempotency_key, user_id, reference, description, metadata, created_at)
     select $5, 'usage', 'hold:' || $1, user_id, $1, $9, $10, $4 from claimed where $3::bigint > 0
     returning id
   ), postings as (
     insert into ledger_postings (id, transaction_id, account_id, amount, created_at)
     select $6, tx.id, claimed.account_id, -$3::bigint, $4 from tx, claimed
     union all
     select $7, tx.id, $8, $3::bigint, $4 from tx
     returning id
   ), moved as (
     update credit_accounts a set balance = a.balance - $3::bigint, held = a.held - c.amount, updated_at = $4
     from claimed c where a.id = c.account_id
     returning a.balance, a.held
   )
   select balance, held from moved`,
);

/** Places a hold if `balance - held >= amount`: `placed` is 1 or 0; `balance`/`held` as of the statement's start. */
export function pgPlaceHold(p: HoldRow) {
  return CompiledQuery.raw(PLACE_HOLD, [
    p.accountId,
    p.amount,
    p.now,
    p.id,
    p.userId,
    p.requestId,
    p.metadata,
    p.expiresAt,
  ]) as CompiledQuery<{ placed: number; balance: number; held: number }>;
}

/**
 * Resolves an open hold exactly once: claims it (`status = 'open'` guard), and when `charged > 0`
 * writes the usage transaction and its two postings; moves the user's balance and releases the
 * held amount. No row when the hold was not open (someone resolved it first). `charged` may
 * exceed the hold (`overage`, recorded on the row): the balance moves by all of it, unguarded,
 * since the work was done (see `CreditsPort.settle`).
 */
export function pgResolveHold(p: {
  holdId: string;
  status: 'settled' | 'released';
  charged: number;
  /** The part of `charged` beyond the hold's amount. */
  overage: number;
  now: number;
  transactionId: string | null;
  userPostingId: string;
  counterPostingId: string;
  counterAccountId: string | null;
  description: string | null;
  metadata: string | null;
}) {
  return CompiledQuery.raw(RESOLVE_HOLD, [
    p.holdId,
    p.status,
    p.charged,
    p.now,
    p.transactionId,
    p.userPostingId,
    p.counterPostingId,
    p.counterAccountId,
    p.description,
    p.metadata,
    p.overage,
  ]) as CompiledQuery<{ balance: number; held: number }>;
}
