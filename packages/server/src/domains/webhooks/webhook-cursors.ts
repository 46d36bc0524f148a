import type { Database } from '@smart-ai-hub/adapters';
import type { Kysely } from 'kysely';

/** Where a source of webhook events stands: created at `initial` the first time it is asked. */
export async function cursorPosition(db: Kysely<Database>, name: string, initial: number): Promise<number> {
  const read = () =>
    db.selectFrom('webhook_cursors').select('position').where('name', '=', name).executeTakeFirst();
  let row = await read();
  if (!row) {
    await db
      .insertInto('webhook_cursors')
      .values({ name, position: initial, updated_at: Date.now() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    row = await read();
  }
  return Number(row!.position);
}

/**
 * Moves a cursor from `from` to `to`, only if it still stands at `from` (the guard that makes one
 * replica's work count when several did it); true when this call moved it. On PostgreSQL the row
 * stays locked until `db`'s transaction ends, so a replica racing this one waits, then finds it moved.
 */
export async function moveCursor(
  db: Kysely<Database>,
  name: string,
  from: number,
  to: number,
): Promise<boolean> {
  const moved = await db
    .updateTable('webhook_cursors')
    .set({ position: to, updated_at: Date.now() })
    .where('name', '=', name)
    .where('position', '=', from)
    .executeTakeFirst();
  return Number(moved.numUpdatedRows) === 1;
}
