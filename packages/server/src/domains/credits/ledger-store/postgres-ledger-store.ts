import { type CreditPaymentsTable, type Database, newId, serverPrepared } from '@smart-ai-hub/adapters';
import { CompiledQuery, type Selectable, type Transaction } from 'kysely';
import type { Balance } from '../credits-port.js';
import { toBalance } from '../post-transaction.js';
import { KyselyLedgerStore } from './kysely-ledger-store.js';
import type { HoldPlacement, HoldResolution, NewHold } from './ledger-store.js';

/*
 * The hot path as ONE statement each (data-modifying CTEs), run outside an explicit transaction.
 * As transactions of several statements (the SQLite store's form), they would hold the account
 * row's lock across client round trips until the commit; here the lock lasts one statement inside
 * the server. Every request of one busy API key updates the same account row twice, so that lock
 * is what a busy key waits on (the README's credits bench: "32 workers, one user").
 * Prepared once per connection (`serverPrepared`): they run on every gateway request.
 */

/** `placed` is 1 or 0; `balance` and `held` as of the statement's start. */
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

/**
 * Claims the hold (`status = 'open'` guard); when `$3` (charged) > 0 writes the usage transaction
 * and its two postings; moves the balance and releases the held amount. No row when the hold was
 * not open.
 */
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

const PLACED: HoldPlacement = { placed: true };

/** PostgreSQL: the hot path in one statement each; row locks where SQLite has its one writer. */
export class PostgresLedgerStore extends KyselyLedgerStore {
  async placeHold(hold: NewHold): Promise<HoldPlacement> {
    const query = CompiledQuery.raw(PLACE_HOLD, [
      hold.accountId,
      hold.amount,
      hold.now,
      hold.id,
      hold.userId,
      hold.requestId,
      hold.metadata,
      hold.expiresAt,
    ]) as CompiledQuery<{ placed: number; balance: number; held: number }>;
    const result = (await this.db.executeQuery(query)).rows[0]!;
    return Number(result.placed) === 1 ? PLACED : { placed: false, available: result.balance - result.held };
  }

  async resolveHold(r: HoldResolution): Promise<Balance | null> {
    const query = CompiledQuery.raw(RESOLVE_HOLD, [
      r.holdId,
      r.status,
      r.charged,
      r.now,
      r.charged > 0 ? newId('ltx') : null,
      newId('lpo'),
      newId('lpo'),
      r.counterAccountId,
      r.description,
      r.charged > 0 ? JSON.stringify(r.metadata) : null,
      r.overage,
    ]) as CompiledQuery<{ balance: number; held: number }>;
    const row = (await this.db.executeQuery(query)).rows[0];
    return row ? toBalance(row) : null;
  }

  /** `for update`: concurrent events of one payment wait for each other's commit. */
  lockPayment(trx: Transaction<Database>, paymentId: string): Promise<Selectable<CreditPaymentsTable>> {
    return trx
      .selectFrom('credit_payments')
      .selectAll()
      .where('id', '=', paymentId)
      .forUpdate()
      .executeTakeFirstOrThrow();
  }
}
