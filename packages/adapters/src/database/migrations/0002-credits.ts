import type { Kysely, Migration } from 'kysely';

/**
 * Credits: one row per Stripe payment (keyed by its PaymentIntent), holding the facts seen so far
 * (paid, failed, refunded, disputed) and the net credits granted for it, so that webhook events
 * applied in any order, any number of times, converge on the same balance.
 */
export const credits: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('credit_payments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('session_id', 'text')
      .addColumn('package_id', 'text')
      .addColumn('credits', 'bigint')
      .addColumn('amount_total', 'bigint')
      .addColumn('currency', 'text')
      .addColumn('paid_at', 'bigint')
      .addColumn('failed_at', 'bigint')
      .addColumn('amount_refunded', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('amount_disputed', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('credited', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('credit_payments_user_idx').on('credit_payments').column('user_id').execute();
  },
};
