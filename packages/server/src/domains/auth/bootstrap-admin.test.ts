import { testDialects } from '@smart-ai-hub/adapters/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../../../test/support/test-hub.js';
import { bootstrapAdmin, GENERATED_ADMIN_EMAIL } from './bootstrap-admin.js';

for (const dialect of await testDialects()) {
  describe(`the first admin on ${dialect}`, () => {
    let t: TestHub | undefined;
    afterEach(async () => {
      await t?.close();
      t = undefined;
    });

    it('is created on first start from HUB_ADMIN_EMAIL / HUB_ADMIN_PASSWORD and can sign in', async () => {
      t = await createTestHub({
        dialect,
        env: { HUB_ADMIN_EMAIL: 'Boss@Example.com', HUB_ADMIN_PASSWORD: 'the boss passphrase' },
      });
      const login = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'boss@example.com', password: 'the boss passphrase' },
      });
      expect(login.statusCode).toBe(200);
      expect(login.json().user).toMatchObject({ role: 'admin', emailVerified: true });
    });

    it('is generated and printed once, never again', async () => {
      t = await createTestHub({ dialect });
      const printed: string[] = [];
      const print = (text: string) => printed.push(text);
      expect(await bootstrapAdmin(t.hub.services.users, t.hub.config, print)).toBe('generated');
      expect(printed).toHaveLength(1);
      const password = /password: (\S+)/.exec(printed[0]!)![1]!;
      expect(printed[0]).toContain(GENERATED_ADMIN_EMAIL);
      expect(printed[0]).toMatch(/┌─+┐/);
      expect(await bootstrapAdmin(t.hub.services.users, t.hub.config, print)).toBe('exists');
      expect(printed).toHaveLength(1);
      const login = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: GENERATED_ADMIN_EMAIL, password },
      });
      expect(login.statusCode).toBe(200);
      expect(login.json().user.role).toBe('admin');
    });
  });
}
