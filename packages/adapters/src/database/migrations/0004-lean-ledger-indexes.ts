import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Drops two indexes no query uses, each one more B-tree page written by every metered request's
 * commit: holds by account (the ledger check finds open holds through `credit_holds_open_idx`)
 * and ledger transactions by reference (nothing looks a transaction up by it). And keeps only the
 * OPEN holds in `credit_holds_open_idx` (a partial index on their expiry): the sweeper and the
 * ledger check only look for open holds, settling a hold now only deletes its entry, and the index
 * stays the size of the holds in flight instead of every hold ever placed.
 */
export const leanLedgerIndexes: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.dropIndex('credit_holds_account_idx').execute();
    await db.schema.dropIndex('ledger_transactions_reference_idx').execute();
    await db.schema.dropIndex('credit_holds_open_idx').execute();
    await db.schema
      .createIndex('credit_holds_open_idx')
      .on('credit_holds')
      .column('expires_at')
      .where(sql.ref('status'), '=', 'open')
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('credit_holds_open_idx').execute();
    await db.schema
      .createIndex('credit_holds_open_idx')
      .on('credit_holds')
      .columns(['status', 'expires_at'])
      .execute();
    await db.schema.createIndex('credit_holds_account_idx').on('credit_holds').column('account_id').execute();
    await db.schema
      .createIndex('ledger_transactions_reference_idx')
      .on('ledger_transactions')
      .column('reference')
      .execute();
  },
};
