import { createTestDatabase, type TestDatabase, testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type AuditLog, createAuditLog } from './audit-log.js';
import { REDACTED } from './redact-secrets.js';

for (const dialect of await testDialects()) {
  describe(`the audit log on ${dialect}`, () => {
    const databases: TestDatabase[] = [];
    let database: TestDatabase;
    let audit: AuditLog;

    beforeEach(async () => {
      database = await createTestDatabase(dialect);
      databases.push(database);
      audit = createAuditLog(database.db);
    });
    afterAll(async () => {
      for (const d of databases) await d.drop();
    });

    const recordMany = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await audit.record(database.db, {
          action: 'user.role_changed',
          userId: `usr_${i}`,
          target: { type: 'user', id: `usr_${i}` },
          changes: { before: { role: 'user' }, after: { role: 'admin' } },
        });
      }
    };

    it('chains records in order without gaps, and verifies', async () => {
      await recordMany(5);
      const report = await audit.verify();
      expect(report).toMatchObject({ ok: true, records: 5, lastSeq: 5, prunedThrough: 0, problems: [] });
      const rows = await audit.after(0, 10);
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
      for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
      // Outside a request, the actor is the system.
      expect(rows[0]).toMatchObject({ actor_kind: 'system', actor_id: null, ip: null, request_id: null });
    });

    it('assigns every seq once when many transactions record at the same time', async () => {
      await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          database.db
            .transaction()
            .execute((trx) => audit.record(trx, { action: 'auth.signed_in', userId: `usr_${i}` })),
        ),
      );
      const report = await audit.verify();
      expect(report).toMatchObject({ ok: true, records: 25, lastSeq: 25 });
    });

    it('detects an edited field, a rewritten hash, a deleted record and a cut-off end', async () => {
      await recordMany(6);
      await database.db
        .updateTable('audit_log')
        .set({ changes: JSON.stringify({ before: { role: 'user' }, after: { role: 'moderator' } }) })
        .where('seq', '=', 2)
        .execute();
      expect((await audit.verify()).problems).toEqual([
        { seq: 2, id: expect.any(String), problem: 'hash_mismatch' },
      ]);

      // Whoever also rewrites the edited record's hash breaks the next record's link.
      const [second] = await audit.after(1, 1);
      const { auditRecordHash } = await import('./audit-hash.js');
      const { hash: _old, ...fields } = second!;
      await database.db
        .updateTable('audit_log')
        .set({ hash: auditRecordHash(fields) })
        .where('seq', '=', 2)
        .execute();
      expect((await audit.verify()).problems).toEqual([
        { seq: 3, id: expect.any(String), problem: 'broken_link' },
      ]);

      await database.db.deleteFrom('audit_log').where('seq', '=', 4).execute();
      expect((await audit.verify()).problems).toContainEqual({
        seq: 5,
        id: expect.any(String),
        problem: 'missing_records',
      });

      await database.db.deleteFrom('audit_log').where('seq', '=', 6).execute();
      const report = await audit.verify();
      expect(report.ok).toBe(false);
      expect(report.problems).toContainEqual({ seq: 6, id: null, problem: 'head_mismatch' });
    });

    it('prunes the oldest records past retention and the rest still verifies; an edit after is still found', async () => {
      await recordMany(4);
      await database.db.updateTable('audit_log').set({ at: 1_000 }).where('seq', '<=', 2).execute();
      // The two back-dated records no longer match their hashes: only the pruning removes them.
      expect(await audit.prune(2_000)).toBe(2);
      expect(await audit.prune(2_000)).toBe(0);
      const report = await audit.verify();
      expect(report).toMatchObject({ ok: true, records: 2, prunedThrough: 2, lastSeq: 4 });

      await recordMany(1);
      expect((await audit.verify()).ok).toBe(true);
      await database.db.updateTable('audit_log').set({ ip: '10.9.9.9' }).where('seq', '=', 3).execute();
      expect((await audit.verify()).problems).toEqual([
        { seq: 3, id: expect.any(String), problem: 'hash_mismatch' },
      ]);
    });

    it('never keeps a secret: secret-named fields are redacted at any depth', async () => {
      const row = await audit.record(database.db, {
        action: 'webhook.endpoint_updated',
        changes: {
          before: { url: 'https://a.example', secret: 'whsec_old' },
          after: { url: 'https://b.example', nested: { apiKey: 'sk-hub-x', password: 'p', inputTokens: 12 } },
        },
        details: { refreshToken: 'rt_x', keyHash: 'abc', reason: 'fine' },
      });
      expect(JSON.parse(row.changes!)).toEqual({
        before: { url: 'https://a.example', secret: REDACTED },
        after: {
          url: 'https://b.example',
          nested: { apiKey: REDACTED, password: REDACTED, inputTokens: 12 },
        },
      });
      expect(JSON.parse(row.details!)).toEqual({ refreshToken: REDACTED, keyHash: REDACTED, reason: 'fine' });
    });

    it('refuses an action name that is not area.verb_phrase', async () => {
      await expect(audit.record(database.db, { action: 'Deleted Everything' })).rejects.toThrow(
        /area\.verb_phrase/,
      );
    });

    it('lists newest first with filters and a cursor', async () => {
      await audit.record(database.db, {
        action: 'auth.signed_in',
        userId: 'usr_a',
        actor: { kind: 'user', id: 'usr_a' },
      });
      await audit.record(database.db, {
        action: 'api_key.created',
        userId: 'usr_a',
        target: { type: 'api_key', id: 'key_1' },
      });
      await audit.record(database.db, { action: 'auth.sign_in_failed', userId: 'usr_b' });
      await audit.record(database.db, { action: 'credits.granted', userId: 'usr_a' });

      const all = await audit.list({ limit: 3 });
      expect(all.data.map((r) => r.seq)).toEqual([4, 3, 2]);
      const rest = await audit.list({ limit: 3, cursor: Number(all.nextCursor) });
      expect(rest).toMatchObject({ data: [{ seq: 1 }], nextCursor: null });

      expect((await audit.list({ limit: 10, action: 'auth.*' })).data.map((r) => r.action)).toEqual([
        'auth.sign_in_failed',
        'auth.signed_in',
      ]);
      // `api_key.*` is an area, not a LIKE pattern: its underscore matches only itself.
      expect((await audit.list({ limit: 10, action: 'api_key.*' })).data).toHaveLength(1);
      expect((await audit.list({ limit: 10, actor: 'usr_a' })).data.map((r) => r.action)).toEqual([
        'auth.signed_in',
      ]);
      expect((await audit.list({ limit: 10, target: 'key_1' })).data.map((r) => r.action)).toEqual([
        'api_key.created',
      ]);
      expect((await audit.list({ limit: 10, target: 'usr_a' })).data).toHaveLength(3);
      expect((await audit.list({ limit: 10, from: Date.now() + 60_000 })).data).toEqual([]);

      const security = await audit.securityEvents('usr_a', { limit: 10 });
      expect(security.data.map((r) => r.action)).toEqual(['api_key.created', 'auth.signed_in']);
    });
  });
}
