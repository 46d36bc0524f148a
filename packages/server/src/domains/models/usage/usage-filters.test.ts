import { testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../../test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../../../test/support/test-hub.js';

for (const dialect of await testDialects()) {
  describe(`usage of one key or one end user, on ${dialect}`, () => {
    let t: TestHub;
    let admin: TestUser;
    let user: TestUser;
    let otherKey: string;
    let otherKeyId: string;
    beforeAll(async () => {
      t = await createTestHub({ dialect });
      admin = await createUser(t, { role: 'admin' });
      user = await createUser(t);
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/admin/users/${user.user.id}/credits`,
        headers: { ...admin.headers, 'idempotency-key': `filters-${user.user.id}` },
        payload: { amount: 10 },
      });
      const created = await t.hub.services.apiKeys.create(user.user.id, { name: 'second' });
      otherKey = created.key;
      otherKeyId = created.row.id;
      const chat = (key: string, endUser?: string) =>
        t.app.inject({
          method: 'POST',
          url: '/v1/chat/completions',
          headers: { authorization: `Bearer ${key}` },
          payload: {
            model: 'mock',
            messages: [{ role: 'user', content: 'hi' }],
            ...(endUser ? { user: endUser } : {}),
          },
        });
      for (const res of [
        await chat(user.apiKey, 'alice'),
        await chat(user.apiKey, 'alice'),
        await chat(user.apiKey, 'bob'),
        await chat(otherKey),
      ]) {
        expect(res.statusCode).toBe(200);
      }
    });
    afterAll(() => t?.close());

    const requests = async (url: string, who: TestUser) =>
      (await t.app.inject({ url, headers: who.headers })).json().totals.requests;

    it('counts every request, or only those of the key or end user asked for', async () => {
      expect(await requests('/api/v1/usage', user)).toBe(4);
      expect(await requests(`/api/v1/usage?apiKeyId=${user.apiKeyId}`, user)).toBe(3);
      expect(await requests(`/api/v1/usage?apiKeyId=${otherKeyId}`, user)).toBe(1);
      expect(await requests('/api/v1/usage?endUser=alice', user)).toBe(2);
      expect(await requests(`/api/v1/usage?endUser=bob&apiKeyId=${user.apiKeyId}`, user)).toBe(1);
      expect(await requests('/api/v1/usage?endUser=carol', user)).toBe(0);
      expect(await requests(`/api/v1/admin/usage?userId=${user.user.id}&endUser=alice`, admin)).toBe(2);
    });

    it("never shows another user's key usage (the filter narrows the caller's own)", async () => {
      expect(await requests(`/api/v1/usage?apiKeyId=${user.apiKeyId}`, admin)).toBe(0);
    });
  });
}
