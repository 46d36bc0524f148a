import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it, vi } from 'vitest';
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

  it("keeps temporary files (the savepoints' statement journal) in memory", async () => {
    const { temp_store } = (await sql<{ temp_store: number }>`pragma temp_store`.execute(hub.db)).rows[0]!;
    expect(temp_store).toBe(2); // MEMORY
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

describe('SQLite background checkpoints', () => {
  /** Rows of `hub_settings` in the main database file alone (what checkpoints have copied out of the WAL). */
  function rowsInMainFile(file: string): number {
    const copy = join(mkdtempSync(join(tmpdir(), 'hub-sqlite-copy-')), 'copy.db');
    copyFileSync(file, copy);
    const reader = new BetterSqlite3(copy, { readonly: true });
    try {
      return (reader.prepare('select count(*) as n from hub_settings').get() as { n: number }).n;
    } finally {
      reader.close();
    }
  }

  it('copies committed pages into the database file from the worker, and stops on close', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hub-sqlite-')), 'hub.db');
    const hub = createSqliteDatabase({ filename: file });
    await hub.migrate();
    await hub.db.insertInto('hub_settings').values({ key: 'c1', value: 'v', created_at: 1 }).execute();
    // The writer's own automatic checkpoint only starts past 10,000 pages: this one is the worker's.
    await vi.waitFor(() => expect(rowsInMainFile(file)).toBe(1), { timeout: 5_000, interval: 100 });
    await hub.close();
  });

  it('leaves checkpoints to the writer when turned off', async () => {
    const hub = createSqliteDatabase({
      filename: join(mkdtempSync(join(tmpdir(), 'hub-sqlite-')), 'hub.db'),
      backgroundCheckpoints: false,
    });
    const level = (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(hub.db))
      .rows[0];
    expect(level?.wal_autocheckpoint).toBe(1000);
    await hub.close();
  });
});
