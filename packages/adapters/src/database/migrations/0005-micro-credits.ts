import { type Kysely, type Migration, sql } from 'kysely';

/** The columns that hold credit units, by table. `credit_payments.amount_*` are the currency's cents. */
const UNIT_COLUMNS: Record<string, string[]> = {
  credit_accounts: ['balance', 'held'],
  ledger_postings: ['amount'],
  credit_holds: ['amount', 'settled_amount'],
  api_keys: ['spend_cap', 'spent'],
  usage_logs: ['cost'],
  credit_payments: ['credits', 'credited'],
};

/**
 * The credit unit becomes the micro-credit: 1 credit = 1,000,000 units instead of 10,000. Every
 * stored amount is multiplied by 100, exactly (integers on both databases), in one transaction
 * with the rest of the migration run, so the ledger balances before and after. Down divides back,
 * and refuses when an amount is not a whole old unit (it would have to round money).
 */
export const microCredits: Migration = {
  up: (db) =>
    allOrNothing(db, async (trx) => {
      for (const [table, columns] of Object.entries(UNIT_COLUMNS)) {
        const set = sql.join(columns.map((c) => sql`${sql.ref(c)} = ${sql.ref(c)} * 100`));
        await sql`update ${sql.table(table)} set ${set}`.execute(trx);
      }
    }),
  down: (db) => allOrNothing(db, divideBack),
};

/**
 * Kysely runs a migration inside a transaction only where DDL is transactional (PostgreSQL); on
 * SQLite each statement would commit alone, and a crash between two tables would leave the
 * ledger half converted. So the updates run in one transaction of their own there.
 */
function allOrNothing(db: Kysely<any>, fn: (trx: Kysely<any>) => Promise<void>): Promise<void> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

async function divideBack(db: Kysely<any>): Promise<void> {
  for (const [table, columns] of Object.entries(UNIT_COLUMNS)) {
    const fractional = sql.join(
      columns.map((c) => sql`${sql.ref(c)} % 100 <> 0`),
      sql` or `,
    );
    const { rows } = await sql<{ n: number | string }>`
        select count(*) as n from ${sql.table(table)} where ${fractional}`.execute(db);
    if (Number(rows[0]?.n ?? 0) > 0) {
      throw new Error(
        `Cannot go back to 1/10,000 credit units: ${table} holds amounts finer than that (it would round money)`,
      );
    }
    const set = sql.join(columns.map((c) => sql`${sql.ref(c)} = ${sql.ref(c)} / 100`));
    await sql`update ${sql.table(table)} set ${set}`.execute(db);
  }
}
