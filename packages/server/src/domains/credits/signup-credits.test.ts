import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../../../test/support/test-hub.js';
import { creditsToUnits } from './money.js';
import { grantSignupCredits } from './signup-credits.js';

function configFile(config: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'signup-credits-')), 'hub.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

const register = (t: TestHub, email: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email, password: 'a sturdy passphrase 42' },
  });

for (const dialect of await testDialects()) {
  describe(`sign-up credits (signupCredits in HUB_CONFIG) on ${dialect}`, () => {
    let t: TestHub;
    let plain: TestHub;
    beforeAll(async () => {
      t = await createTestHub({ dialect, env: { HUB_CONFIG: configFile({ signupCredits: 2.5 }) } });
      plain = await createTestHub({ dialect });
    });
    afterAll(async () => {
      await t?.close();
      await plain?.close();
    });

    it('grants them to each new account at registration, once per user', async () => {
      const res = await register(t, 'newcomer@example.test');
      expect(res.statusCode).toBe(201);
      const { user, accessToken } = res.json();
      const balance = await t.app.inject({
        url: '/api/v1/credits',
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(balance.json()).toEqual({ balance: 2.5, held: 0, available: 2.5 });

      await grantSignupCredits(t.hub, user.id); // a replay moves nothing
      const ledger = await t.app.inject({
        url: '/api/v1/credits/transactions',
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(ledger.json().data).toMatchObject([{ kind: 'grant', amount: 2.5 }]);
      expect((await t.hub.services.credits.balance(user.id)).balance).toBe(creditsToUnits(2.5));
    });

    it('grants nothing when signupCredits is not set', async () => {
      const res = await register(plain, 'nothing-given@example.test');
      const balance = await plain.app.inject({
        url: '/api/v1/credits',
        headers: { authorization: `Bearer ${res.json().accessToken}` },
      });
      expect(balance.json().balance).toBe(0);
    });
  });
}
