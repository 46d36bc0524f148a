import type { Database } from '@smart-ai-hub/adapters';
import { type Kysely, sql } from 'kysely';

/** One disagreement between a projection and the ledger it should equal. */
export interface LedgerMismatch {
  accountId: string;
  code: string;
  field: 'balance' | 'held';
  /** The value stored on `credit_accounts`. */
  projected: number;
  /** The value recomputed from postings (balance) or open holds (held). */
  recomputed: number;
}

export interface LedgerReport {
  ok: boolean;
  accounts: number;
  transactions: number;
  mismatches: LedgerMismatch[];
  /** Transactions whose postings do not sum to zero. */
  unbalancedTransactions: Array<{ transactionId: string; sum: number }>;
  /** Holds with a charge (settled, or expired then settled) but no ledger transaction. */
  unpostedHolds: string[];
  /**
   * Charges no hold covered when posted (`credit_holds.overage`: beyond the hold, or after it
   * expired): not a fault, the ledger balances with them; reported so that they are seen.
   */
  overages: { holds: number; units: number };
}

/**
 * Recomputes every user account's balance (sum of its postings) and held amount (sum of its open
 * holds) from the append-only records and compares them with the stored projections; checks that
 * every transaction balances and every charged hold was posted; counts the charges beyond their
 * holds. Read-only.
 */
export async function verifyLedger(db: Kysely<Database>): Promise<LedgerReport> {
  const accounts = await sql<{
    id: string;
    code: string;
    balance: number;
    held: number;
    posted: number | null;
    open_held: number | null;
  }>`
    select a.id, a.code, a.balance, a.held, p.total as posted, h.total as open_held
    from credit_accounts a
    left join (select account_id, sum(amount) as total from ledger_postings group by account_id) p on p.account_id = a.id
    left join (select account_id, sum(amount) as total from credit_holds where status = 'open' group by account_id) h on h.account_id = a.id
    where a.user_id is not null`.execute(db);
  const mismatches: LedgerMismatch[] = [];
  for (const a of accounts.rows) {
    const posted = Number(a.posted ?? 0);
    const held = Number(a.open_held ?? 0);
    if (Number(a.balance) !== posted) {
      mismatches.push({
        accountId: a.id,
        code: a.code,
        field: 'balance',
        projected: Number(a.balance),
        recomputed: posted,
      });
    }
    if (Number(a.held) !== held) {
      mismatches.push({
        accountId: a.id,
        code: a.code,
        field: 'held',
        projected: Number(a.held),
        recomputed: held,
      });
    }
  }
  const unbalanced = await sql<{ transaction_id: string; total: number }>`
    select transaction_id, sum(amount) as total from ledger_postings
    group by transaction_id having sum(amount) <> 0`.execute(db);
  const unposted = await sql<{ id: string }>`
    select h.id from credit_holds h
    left join ledger_transactions t on t.id = h.transaction_id
    where h.settled_amount > 0 and t.id is null`.execute(db);
  // From the holds' primary facts rather than their `overage` column, so that the check runs on a
  // database at any migration (the micro-credit migration is verified before and after itself).
  const overages = await sql<{ n: number; total: number | null }>`
    select count(*) as n, sum(case when status = 'expired' then settled_amount else settled_amount - amount end) as total
    from credit_holds
    where settled_amount > 0 and (status = 'expired' or settled_amount > amount)`.execute(db);
  const count = await sql<{ n: number }>`select count(*) as n from ledger_transactions`.execute(db);
  const report: LedgerReport = {
    ok: false,
    accounts: accounts.rows.length,
    transactions: Number(count.rows[0]?.n ?? 0),
    mismatches,
    unbalancedTransactions: unbalanced.rows.map((r) => ({
      transactionId: r.transaction_id,
      sum: Number(r.total),
    })),
    unpostedHolds: unposted.rows.map((r) => r.id),
    overages: {
      holds: Number(overages.rows[0]?.n ?? 0),
      units: Number(overages.rows[0]?.total ?? 0),
    },
  };
  report.ok =
    mismatches.length === 0 &&
    report.unbalancedTransactions.length === 0 &&
    report.unpostedHolds.length === 0;
  return report;
}
