import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteDatabase } from './sqlite-database.js';

const synchronousLevel = async (db: ReturnType<typeof createSqliteDatabase>['db']) =>
  (await sql<{ synchronous: number }>`pragma synchronous`.execute(db)).rows[0]!.synchronous;

describe('SQLite durability', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'hub-sqlite-')), 'hub.db');
  const hub = createSqliteDatabase({ filename: file });
  afterAll(() => hub.close());

  it('opens in WAL with crash-safe commits by default', async () => {
    await hub.migrate();
    expect(
      (await sql<{ journal_mode: string }>`pragma journal_mode`.execute(hub.db)).rows[0]!.journal_mode,
    ).toBe('wal');
    expect(await synchronousLevel(hub.db)).toBe(1); // NORMAL
  });

  it('commits a durable transaction with synchronous = FULL, then goes back to NORMAL', async () => {
    const inside = await hub.durableTransaction(async (trx) => {
      await trx.insertInto('hub_settings').values({ key: 'k1', value: 'v', created_at: 1 }).execute();
      return synchronousLevel(trx);
    });
    expect(inside).toBe(2); // FULL
    expect(await synchronousLevel(hub.db)).toBe(1);
    const row = await hub.db
      .selectFrom('hub_settings')
      .select('value')
      .where('key', '=', 'k1')
      .executeTakeFirst();
    expect(row).toEqual({ value: 'v' });
  });

  it('rolls a failed durable transaction back and still restores NORMAL', async () => {
    await expect(
      hub.durableTransaction(async (trx) => {
        await trx.insertInto('hub_settings').values({ key: 'k2', value: 'v', created_at: 1 }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await hub.db.selectFrom('hub_settings').select('key').where('key', '=', 'k2').execute()).toEqual(
      [],
    );
    expect(await synchronousLevel(hub.db)).toBe(1);
  });

  it('syncs every commit when opened with synchronous = full', async () => {
    const full = createSqliteDatabase({
      filename: join(mkdtempSync(join(tmpdir(), 'hub-sqlite-')), 'f.db'),
      synchronous: 'full',
    });
    expect(await synchronousLevel(full.db)).toBe(2);
    await full.close();
  });
});
