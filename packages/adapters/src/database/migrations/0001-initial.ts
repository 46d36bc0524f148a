import { type CreateTableBuilder, type Kysely, type Migration, SqliteAdapter, sql } from 'kysely';

/**
 * SQLite: a table keyed by a text id is stored in its primary key's B-tree (`without rowid`)
 * instead of in a rowid table plus a separate unique index on the id: one B-tree less to write
 * for every row, and every commit writes each page it touched to the WAL (two writes a page). The
 * ledger's hot tables get it; on PostgreSQL it means nothing.
 */
function keyedById(db: Kysely<any>) {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  return <T extends string, C extends string>(table: CreateTableBuilder<T, C>) =>
    sqlite ? table.modifyEnd(sql`without rowid`) : table;
}

/** Users, auth, the credit ledger, idempotency, payment events and usage: one schema for both dialects. */
export const initial: Migration = {
  async up(db: Kysely<any>) {
    const withoutRowid = keyedById(db);
    await db.schema
      .createTable('hub_settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('password_hash', 'text')
      .addColumn('name', 'text')
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('email_verified_at', 'bigint')
      .addColumn('disabled_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('user_agent', 'text')
      .addColumn('ip', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .addColumn('revoked_reason', 'text')
      .execute();
    await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

    await db.schema
      .createTable('refresh_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('rotated_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('refresh_tokens_session_idx')
      .on('refresh_tokens')
      .column('session_id')
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('allowed_models', 'text')
      .addColumn('spend_cap', 'bigint')
      .addColumn('spent', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('expires_at', 'bigint')
      .addColumn('last_used_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('api_keys_user_idx').on('api_keys').column('user_id').execute();

    await db.schema
      .createTable('oauth_identities')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('oauth_identities_provider_subject_uq', ['provider', 'subject'])
      .execute();
    await db.schema
      .createIndex('oauth_identities_user_idx')
      .on('oauth_identities')
      .column('user_id')
      .execute();

    await db.schema
      .createTable('one_time_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('credit_accounts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('user_id', 'text', (c) => c.references('users.id'))
      .addColumn('balance', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('held', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('credit_accounts_user_idx').on('credit_accounts').column('user_id').execute();

    await db.schema
      .createTable('ledger_transactions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.unique())
      .addColumn('user_id', 'text')
      .addColumn('reference', 'text')
      .addColumn('description', 'text')
      .addColumn('metadata', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .$call(withoutRowid)
      .execute();
    await db.schema
      .createIndex('ledger_transactions_user_idx')
      .on('ledger_transactions')
      .columns(['user_id', 'id'])
      .execute();
    await db.schema
      .createIndex('ledger_transactions_reference_idx')
      .on('ledger_transactions')
      .column('reference')
      .execute();

    await db.schema
      .createTable('ledger_postings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('transaction_id', 'text', (c) => c.notNull().references('ledger_transactions.id'))
      .addColumn('account_id', 'text', (c) => c.notNull().references('credit_accounts.id'))
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .$call(withoutRowid)
      .execute();
    await db.schema
      .createIndex('ledger_postings_account_idx')
      .on('ledger_postings')
      .column('account_id')
      .execute();
    await db.schema
      .createIndex('ledger_postings_transaction_idx')
      .on('ledger_postings')
      .column('transaction_id')
      .execute();

    await db.schema
      .createTable('credit_holds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('credit_accounts.id'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('settled_amount', 'bigint')
      .addColumn('transaction_id', 'text')
      .addColumn('request_id', 'text')
      .addColumn('metadata', 'text')
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('resolved_at', 'bigint')
      .$call(withoutRowid)
      .execute();
    await db.schema
      .createIndex('credit_holds_open_idx')
      .on('credit_holds')
      .columns(['status', 'expires_at'])
      .execute();
    await db.schema.createIndex('credit_holds_account_idx').on('credit_holds').column('account_id').execute();

    await db.schema
      .createTable('idempotency_records')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('status_code', 'integer', (c) => c.notNull())
      .addColumn('response', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_records_pk', ['scope', 'key'])
      .execute();

    await db.schema
      .createTable('payment_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('object_id', 'text')
      .addColumn('user_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('payment_events_object_idx')
      .on('payment_events')
      .column('object_id')
      .execute();

    await db.schema
      .createTable('usage_logs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('api_key_id', 'text')
      .addColumn('end_user', 'text')
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('provider', 'text')
      .addColumn('deployment', 'text')
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('input_tokens', 'integer', (c) => c.notNull())
      .addColumn('output_tokens', 'integer', (c) => c.notNull())
      .addColumn('cost', 'bigint', (c) => c.notNull())
      .addColumn('latency_ms', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('error_code', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('usage_logs_user_time_idx')
      .on('usage_logs')
      .columns(['user_id', 'created_at'])
      .execute();
    await db.schema.createIndex('usage_logs_time_idx').on('usage_logs').column('created_at').execute();
  },
};
