import type { Kysely, Migration } from 'kysely';

/**
 * Stored responses of the Responses API (`POST /v1/responses` with `store`), per owner: the
 * response (without its output) and its items, input and output in order, so that
 * `previous_response_id` and `item_reference` continue a conversation. Both go with their owner
 * (and items with their response) by `on delete cascade`; `created_at` indexes serve the
 * retention sweep.
 */
export const responses: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('responses')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('previous_response_id', 'text')
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('response', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('responses_user_idx')
      .on('responses')
      .columns(['user_id', 'created_at'])
      .execute();
    await db.schema.createIndex('responses_created_idx').on('responses').column('created_at').execute();

    await db.schema
      .createTable('response_items')
      .addColumn('response_id', 'text', (c) => c.notNull().references('responses.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('item_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('item', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('response_items_pk', ['response_id', 'position'])
      .execute();
    await db.schema
      .createIndex('response_items_user_item_idx')
      .on('response_items')
      .columns(['user_id', 'item_id'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('response_items').execute();
    await db.schema.dropTable('responses').execute();
  },
};
