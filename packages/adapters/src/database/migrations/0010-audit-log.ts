import type { Kysely, Migration } from 'kysely';

/** The hash the first audit record links to (64 hex zeros). */
const GENESIS_HASH = '0'.repeat(64);

/**
 * The audit log: one append-only record per security or money action, written in the action's
 * own transaction. `seq` orders the records without gaps (assigned under the lock of the single
 * `audit_chain` row), and each record's `hash` covers its fields and the previous record's hash,
 * so an edit or a deletion in the database breaks the chain. `audit_chain` holds the chain's head
 * and, once old records are pruned by the retention sweep, the last pruned record's seq and hash
 * (the anchor the oldest kept record links to). No foreign keys: a record outlives its user.
 */
export const auditLog: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('audit_log')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor_kind', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_key_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target_type', 'text')
      .addColumn('target_id', 'text')
      .addColumn('user_id', 'text')
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('request_id', 'text')
      .addColumn('changes', 'text')
      .addColumn('details', 'text')
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    for (const column of ['user_id', 'actor_id', 'target_id', 'action', 'at']) {
      await db.schema
        .createIndex(`audit_log_${column}_idx`)
        .on('audit_log')
        .columns(column === 'at' ? ['at'] : [column, 'seq'])
        .execute();
    }

    await db.schema
      .createTable('audit_chain')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('last_seq', 'bigint', (c) => c.notNull())
      .addColumn('last_hash', 'text', (c) => c.notNull())
      .addColumn('pruned_seq', 'bigint', (c) => c.notNull())
      .addColumn('pruned_hash', 'text', (c) => c.notNull())
      .execute();
    await db
      .insertInto('audit_chain')
      .values({ id: 1, last_seq: 0, last_hash: GENESIS_HASH, pruned_seq: 0, pruned_hash: GENESIS_HASH })
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('audit_chain').execute();
    await db.schema.dropTable('audit_log').execute();
  },
};
