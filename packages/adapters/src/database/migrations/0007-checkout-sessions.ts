import type { Kysely, Migration } from 'kysely';

/**
 * The checkout sessions the hub itself created (`POST /api/v1/credits/checkout`): who buys which
 * package, for what price and how many credit units. A payment event is credited only for a
 * session found here, and only when what was paid covers the stored price.
 */
export const checkoutSessions: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('checkout_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('package_id', 'text', (c) => c.notNull())
      .addColumn('credits', 'bigint', (c) => c.notNull())
      .addColumn('price', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('payment_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('checkout_sessions_user_idx')
      .on('checkout_sessions')
      .column('user_id')
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('checkout_sessions').execute();
  },
};
