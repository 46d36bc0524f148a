import { testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../../test/support/test-hub.js';

for (const dialect of await testDialects()) {
  describe(`credit grants in the audit log on ${dialect}`, () => {
    let t: TestHub;
    let admin: TestUser;
    beforeAll(async () => {
      t = await createTestHub({ dialect });
      admin = await createUser(t, { role: 'admin' });
    });
    afterAll(() => t?.close());

    it('records an admin grant, once, with its amount in credits, however often it is replayed', async () => {
      const alice = await createUser(t);
      const grant = () =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/admin/users/${alice.user.id}/credits`,
          headers: { ...admin.headers, 'idempotency-key': 'audit-grant-1' },
          payload: { amount: 2.5, reason: 'welcome' },
        });
      expect((await grant()).statusCode).toBe(201);
      expect((await grant()).statusCode).toBe(201);
      const res = await t.app.inject({
        url: '/api/v1/admin/audit?action=credits.granted',
        headers: admin.headers,
      });
      expect(res.statusCode).toBe(200);
      const records = res
        .json()
        .data.filter((r: { target?: { id?: string } }) => r.target?.id === alice.user.id);
      expect(records).toHaveLength(1);
      expect(JSON.stringify(records[0])).toContain('2.5');
      expect((await t.hub.services.audit.verify()).ok).toBe(true);
    });
  });
}
