import { newId } from '@smart-ai-hub/adapters';
import { createTestDatabase, type TestDatabase, testDialects } from '@smart-ai-hub/adapters/testing';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type UsageRow, UsageWriter } from './usage-writer.js';

const row = (userId: string, i: number): UsageRow => ({
  id: newId('use'),
  request_id: `req_${i}`,
  user_id: userId,
  model: 'mock-small',
  endpoint: '/v1/chat/completions',
  input_tokens: i,
  output_tokens: 2 * i,
  cost: 10 * i,
  latency_ms: 1,
  status: 'ok',
  created_at: Date.now(),
});

for (const dialect of await testDialects()) {
  describe(`usage writer on ${dialect}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase(dialect);
    });
    afterAll(() => database?.drop());
    const log = pino({ level: 'silent' });
    const written = async (userId: string) =>
      (
        await database.db
          .selectFrom('usage_logs')
          .select('input_tokens')
          .where('user_id', '=', userId)
          .execute()
      )
        .map((r) => r.input_tokens)
        .sort((a, b) => a - b);

    it('writes queued rows in a batch once its size is reached, and the rest on flush', async () => {
      const writer = new UsageWriter(database.db, log, { batchSize: 3, intervalMs: 60_000 });
      const user = newId('usr');
      for (let i = 1; i <= 4; i++) writer.push(row(user, i));
      // The batch of 3 went on its own; the 4th waits for its timer or a flush.
      await expect.poll(() => written(user)).toEqual([1, 2, 3]);
      expect(writer.pending).toBe(1);
      expect(await writer.flush()).toBe(true);
      expect(await written(user)).toEqual([1, 2, 3, 4]);
    });

    it('writes every column of every row', async () => {
      const writer = new UsageWriter(database.db, log, { batchSize: 1_000, intervalMs: 60_000 });
      const user = newId('usr');
      const rows = Array.from({ length: 203 }, (_, i) => ({
        ...row(user, i + 1),
        api_key_id: i % 2 ? `key_${i}` : null,
        end_user: i % 3 ? `end_${i}` : null,
        provider: 'mock',
        deployment: `dep_${i % 5}`,
        status: i % 7 ? 'ok' : 'error',
        error_code: i % 7 ? null : 'upstream_error',
        latency_ms: 1_000 + i,
        created_at: 1_700_000_000_000 + i,
      }));
      for (const r of rows) writer.push(r);
      expect(await writer.flush()).toBe(true);
      const stored = await database.db
        .selectFrom('usage_logs')
        .selectAll()
        .where('user_id', '=', user)
        .orderBy('input_tokens')
        .execute();
      expect(stored.map((r) => ({ ...r, cost: Number(r.cost), created_at: Number(r.created_at) }))).toEqual(
        rows,
      );
    });

    it('keeps rows whose insert failed and writes them on a later flush, losing none', async () => {
      const writer = new UsageWriter(database.db, log, { intervalMs: 60_000 });
      const user = newId('usr');
      for (let i = 1; i <= 5; i++) writer.push(row(user, i));
      // A real failure: the table is briefly not there.
      await sql`alter table usage_logs rename to usage_logs_away`.execute(database.db);
      try {
        expect(await writer.flush()).toBe(false);
        expect(writer.pending).toBe(5);
        writer.push(row(user, 6));
      } finally {
        await sql`alter table usage_logs_away rename to usage_logs`.execute(database.db);
      }
      expect(await writer.flush()).toBe(true);
      expect(writer.pending).toBe(0);
      expect(await written(user)).toEqual([1, 2, 3, 4, 5, 6]);
    });

    it('counts rows queued, written, and lost to a full queue while the database fails', async () => {
      const writer = new UsageWriter(database.db, log, { intervalMs: 60_000, maxQueued: 3 });
      const user = newId('usr');
      for (let i = 1; i <= 2; i++) writer.push(row(user, i));
      expect(await writer.flush()).toBe(true);
      expect([writer.queued, writer.written, writer.overflowed]).toEqual([2, 2, 0]);
      for (let i = 3; i <= 7; i++) writer.push(row(user, i));
      await sql`alter table usage_logs rename to usage_logs_gone`.execute(database.db);
      try {
        expect(await writer.flush()).toBe(false);
      } finally {
        await sql`alter table usage_logs_gone rename to usage_logs`.execute(database.db);
      }
      // Five waited, three fit: the two oldest are lost, the newest three written.
      expect(writer.overflowed).toBe(2);
      expect(await writer.flush()).toBe(true);
      expect([writer.queued, writer.written, writer.overflowed, writer.pending]).toEqual([7, 5, 2, 0]);
      expect(await written(user)).toEqual([1, 2, 5, 6, 7]);
    });

    // A NUL reaching the writer by a path that skips the JSON parser's rule: PostgreSQL text
    // cannot hold it (SQLite stores it). A missing model is refused by both.
    const nul = (userId: string, i: number): UsageRow => ({ ...row(userId, i), end_user: 'a\u0000b' });
    const noModel = (userId: string, i: number): UsageRow => ({ ...row(userId, i), model: null as never });
    const nulRefused = dialect === 'postgres';

    it('drops the rows the database refuses, writes every other row of the batch, and counts them', async () => {
      const writer = new UsageWriter(database.db, log, { batchSize: 1_000, intervalMs: 60_000 });
      const user = newId('usr');
      const good = Array.from({ length: 450 }, (_, i) => i + 1).filter((i) => ![7, 200, 449].includes(i));
      for (let i = 1; i <= 450; i++) {
        if (i === 7 || i === 449) writer.push(noModel(user, i));
        else if (i === 200) writer.push(nul(user, i));
        else writer.push(row(user, i));
      }
      expect(await writer.flush()).toBe(true);
      expect(writer.pending).toBe(0);
      expect(await written(user)).toEqual(nulRefused ? good : [...good, 200].sort((a, b) => a - b));
      expect(writer.dropped).toBe(nulRefused ? 3 : 2);
    });

    it('never retries a refused row: the rows queued after it are written', async () => {
      const writer = new UsageWriter(database.db, log, { batchSize: 1_000, intervalMs: 60_000 });
      const user = newId('usr');
      // One chat alone in its batch: before, its batch failed, stayed queued and took every later row down with it.
      writer.push(noModel(user, 1));
      expect(await writer.flush()).toBe(true);
      expect(writer.pending).toBe(0);
      writer.push(nul(user, 2));
      writer.push(row(user, 3));
      expect(await writer.flush()).toBe(true);
      writer.push(row(user, 4));
      expect(await writer.flush()).toBe(true);
      expect(await written(user)).toEqual(nulRefused ? [3, 4] : [2, 3, 4]);
      expect(writer.dropped).toBe(nulRefused ? 2 : 1);
    });
  });
}
