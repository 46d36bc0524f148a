import { testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../../test/support/test-hub.js';

for (const dialect of await testDialects()) {
  describe(`what staff see of one user, on ${dialect}`, () => {
    let t: TestHub;
    let admin: TestUser;
    let moderator: TestUser;
    beforeAll(async () => {
      t = await createTestHub({ dialect });
      admin = await createUser(t, { role: 'admin' });
      moderator = await createUser(t, { role: 'moderator' });
    });
    afterAll(() => t?.close());

    const grant = (user: TestUser, amount: number, key: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/admin/users/${user.user.id}/credits`,
        headers: { ...admin.headers, 'idempotency-key': key },
        payload: { amount, reason: `grant ${key}` },
      });

    it('finds users by part of their email or name, in any case, with LIKE wildcards taken literally', async () => {
      const ada = await createUser(t, { email: 'ada.lovelace@example.test', name: 'Ada Lovelace' });
      const percent = await createUser(t, { email: 'x%y@example.test', name: 'Percent' });
      const search = async (q: string) =>
        (
          await t.app.inject({
            url: `/api/v1/admin/users?q=${encodeURIComponent(q)}`,
            headers: moderator.headers,
          })
        )
          .json()
          .users.map((u: { id: string }) => u.id);
      expect(await search('LOVELACE@')).toEqual([ada.user.id]);
      expect(await search('ada love')).toEqual([ada.user.id]);
      expect(await search('x%y')).toEqual([percent.user.id]);
      expect(await search('%')).toEqual([percent.user.id]);
      expect(await search('nobody-has-this')).toEqual([]);
    });

    it("shows a user's balance, ledger (paged, newest first) and keys (never the keys themselves)", async () => {
      const user = await createUser(t);
      expect((await grant(user, 2, `a-${user.user.id}`)).statusCode).toBe(201);
      expect((await grant(user, 0.5, `b-${user.user.id}`)).statusCode).toBe(201);
      const base = `/api/v1/admin/users/${user.user.id}`;

      const balance = await t.app.inject({ url: `${base}/credits`, headers: moderator.headers });
      expect(balance.json()).toEqual({ balance: 2.5, held: 0, available: 2.5 });

      const first = (
        await t.app.inject({ url: `${base}/credits/transactions?limit=1`, headers: admin.headers })
      ).json();
      expect(first.data).toMatchObject([{ kind: 'grant', amount: 0.5 }]);
      const second = (
        await t.app.inject({
          url: `${base}/credits/transactions?limit=1&cursor=${first.nextCursor}`,
          headers: admin.headers,
        })
      ).json();
      expect(second.data).toMatchObject([{ kind: 'grant', amount: 2 }]);

      const keys = await t.app.inject({ url: `${base}/api-keys`, headers: moderator.headers });
      expect(keys.json().apiKeys).toMatchObject([{ id: user.apiKeyId, name: 'fixture key' }]);
      expect(keys.body).not.toContain(user.apiKey);
    });

    it('answers 404 for a user that does not exist, and 403 to a plain user', async () => {
      for (const path of ['credits', 'credits/transactions', 'api-keys']) {
        const res = await t.app.inject({
          url: `/api/v1/admin/users/usr_nobody/${path}`,
          headers: admin.headers,
        });
        expect(res.statusCode, path).toBe(404);
      }
      const user = await createUser(t);
      const res = await t.app.inject({
        url: `/api/v1/admin/users/${admin.user.id}/credits`,
        headers: user.headers,
      });
      expect(res.statusCode).toBe(403);
    });
  });
}
