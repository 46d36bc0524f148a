import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '@smart-ai-hub/adapters';
import { createTestDatabase, type TestDatabase, testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../domains/audit/record-audit.js';
import { auditVerifyCommandFor } from './audit-verify-command.js';

for (const dialect of await testDialects()) {
  describe(`smart-ai-hub audit verify on ${dialect}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-verify-'));
    let url: string;
    let database: TestDatabase | undefined;

    beforeAll(async () => {
      if (dialect === 'postgres') {
        database = await createTestDatabase('postgres');
        url = database.url;
      } else url = join(dir, 'hub.db');
      const hub = await createDatabase(url);
      await hub.migrate();
      for (const action of ['auth.signed_in', 'user.role_changed', 'api_key.revoked']) {
        await recordAudit(hub.db, { action, userId: 'usr_cli', changes: { after: { role: 'admin' } } });
      }
      await hub.close();
    });
    afterAll(async () => {
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    async function run(args: string[] = []) {
      const out: string[] = [];
      const code = await auditVerifyCommandFor(
        { DATABASE_URL: url, HUB_DATA_DIR: dir, LOG_LEVEL: 'silent' },
        (text) => out.push(text),
      ).run(args);
      return { code, text: out.join('\n') };
    }

    it('exits 0 when the chain is whole', async () => {
      const { code, text } = await run();
      expect(code).toBe(0);
      expect(text).toMatch(/Checked 3 audit record\(s\), seq 1 to 3\./);
      expect(text).toMatch(/Audit log OK/);
    });

    it('exits 1 naming the record edited in the database', async () => {
      const hub = await createDatabase(url);
      const { id } = await hub.db
        .selectFrom('audit_log')
        .select('id')
        .where('seq', '=', 2)
        .executeTakeFirstOrThrow();
      await hub.db
        .updateTable('audit_log')
        .set({ changes: JSON.stringify({ after: { role: 'user' } }) })
        .where('seq', '=', 2)
        .execute();
      await hub.close();
      const { code, text } = await run();
      expect(code).toBe(1);
      expect(text).toContain(`EDITED record: its fields no longer give its hash: seq 2 (${id})`);
      expect(text).toMatch(/altered outside the hub/);
      const json = await run(['--json']);
      expect(JSON.parse(json.text)).toMatchObject({
        ok: false,
        problems: [{ seq: 2, problem: 'hash_mismatch' }],
      });
    });
  });
}
