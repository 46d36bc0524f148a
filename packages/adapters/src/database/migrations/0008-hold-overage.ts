import type { Kysely, Migration } from 'kysely';

/**
 * `credit_holds.overage`: the units of a hold's charge that no hold covered when it was posted
 * (the work cost more than its worst case, or the settle came after the sweeper had released the
 * hold). Charged all the same, the balance going below zero by at most this much; kept on the row
 * so that `where overage > 0` finds every such charge.
 */
export const holdOverage: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('credit_holds')
      .addColumn('overage', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('credit_holds').dropColumn('overage').execute();
  },
};
