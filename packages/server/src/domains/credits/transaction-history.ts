import type { Database } from '@smart-ai-hub/adapters';
import type { Kysely } from 'kysely';
import type { AccountDirectory } from './accounts.js';

/** One entry of a user's ledger history, as the user sees it (units). */
export interface HistoryEntry {
  id: string;
  kind: string;
  /** Signed units to the user's account. */
  amount: number;
  reference: string | null;
  description: string | null;
  createdAt: number;
}

export interface HistoryPage {
  entries: HistoryEntry[];
  /** Pass back as `cursor` for the next (older) page; null at the end. */
  nextCursor: string | null;
}

/**
 * A user's ledger transactions, newest first, `limit` at a time. The cursor is the last
 * transaction id of the previous page (ids are time-ordered), so pages never shift when new
 * transactions arrive.
 */
export async function listTransactions(
  db: Kysely<Database>,
  accounts: AccountDirectory,
  userId: string,
  options: { cursor?: string; limit: number },
): Promise<HistoryPage> {
  const accountId = await accounts.existingUser(userId);
  if (!accountId) return { entries: [], nextCursor: null };
  let query = db
    .selectFrom('ledger_postings as p')
    .innerJoin('ledger_transactions as t', 't.id', 'p.transaction_id')
    .select(['t.id', 't.kind', 'p.amount', 't.reference', 't.description', 't.created_at'])
    .where('p.account_id', '=', accountId)
    .orderBy('p.transaction_id', 'desc')
    .limit(options.limit + 1);
  if (options.cursor) query = query.where('p.transaction_id', '<', options.cursor);
  const rows = await query.execute();
  const page = rows.slice(0, options.limit);
  return {
    entries: page.map((r) => ({
      id: r.id,
      kind: r.kind,
      amount: r.amount,
      reference: r.reference,
      description: r.description,
      createdAt: r.created_at,
    })),
    nextCursor: rows.length > options.limit ? page.at(-1)!.id : null,
  };
}
