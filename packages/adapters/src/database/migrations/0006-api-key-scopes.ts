import type { Kysely, Migration } from 'kysely';

/** The scopes every key had before keys had scopes, and a new key's default (the SDK's list). */
const DEFAULT_SCOPES = JSON.stringify(['models:call', 'models:read', 'credits:read', 'usage:read']);

/**
 * API key scopes: what a key may do (a JSON array; existing keys get the defaults: call models,
 * read credits, usage and models), and the key that made a key (`keys:manage`), so that revoking
 * a key revokes the keys it made.
 */
export const apiKeyScopes: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('api_keys')
      .addColumn('scopes', 'text', (c) => c.notNull().defaultTo(DEFAULT_SCOPES))
      .execute();
    await db.schema.alterTable('api_keys').addColumn('created_by_key_id', 'text').execute();
    await db.schema
      .createIndex('api_keys_created_by_idx')
      .on('api_keys')
      .column('created_by_key_id')
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('api_keys_created_by_idx').execute();
    await db.schema.alterTable('api_keys').dropColumn('created_by_key_id').execute();
    await db.schema.alterTable('api_keys').dropColumn('scopes').execute();
  },
};
