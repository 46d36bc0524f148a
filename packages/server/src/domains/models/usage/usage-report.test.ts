import { newId } from '@smart-ai-hub/adapters';
import { testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../../test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../../../test/support/test-hub.js';
import { MAX_UNITS } from '../../credits/money.js';

for (const dialect of await testDialects()) {
  describe(`usage reports of huge sums on ${dialect}`, () => {
    let t: TestHub;
    let admin: TestUser;
    beforeAll(async () => {
      t = await createTestHub({ dialect });
      admin = await createUser(t, { role: 'admin' });
    });
    afterAll(() => t?.close());

    const row = (userId: string, cost: number) => ({
      id: newId('use'),
      request_id: newId('req'),
      user_id: userId,
      api_key_id: null,
      end_user: null,
      model: 'm',
      provider: null,
      deployment: null,
      endpoint: '/v1/chat/completions',
      input_tokens: 1,
      output_tokens: 1,
      cost,
      latency_ms: 1,
      status: 'ok',
      error_code: null,
      created_at: Date.now(),
    });

    it('reports a sum up to what a JSON number carries exactly, to the micro-credit', async () => {
      const user = await createUser(t);
      await t.hub.db
        .insertInto('usage_logs')
        .values([row(user.user.id, MAX_UNITS), row(user.user.id, 1)])
        .execute();
      const res = await t.app.inject({
        url: `/api/v1/admin/usage?userId=${user.user.id}`,
        headers: admin.headers,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().totals.cost).toBe(1_000_000_000.000001);
    });

    it('refuses, with a clear 422 and not a 500, a sum past 2^53 micro-credits', async () => {
      const user = await createUser(t);
      await t.hub.db
        .insertInto('usage_logs')
        .values(Array.from({ length: 10 }, () => row(user.user.id, MAX_UNITS)))
        .execute();
      const res = await t.app.inject({
        url: `/api/v1/admin/usage?userId=${user.user.id}`,
        headers: admin.headers,
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'amount_out_of_range' });
      expect(res.json().error.message).toMatch(/shorter period or one user/);
    });
  });
}
