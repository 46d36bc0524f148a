import { testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../../test/support/test-hub.js';
import { openGraceEntry, sealGraceEntry } from './refresh-grace.js';
import { createSessionsService, REFRESH_GRACE_MS } from './sessions.js';

for (const dialect of await testDialects()) {
  const coordination = dialect === 'postgres' ? 'redis' : 'memory';
  describe(`refresh-token grace on ${dialect} + ${coordination}`, () => {
    let t: TestHub;
    const refresh = (refreshToken: string, userAgent = 'tab-browser/1.0') =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        payload: { refreshToken },
        headers: { 'user-agent': userAgent },
      });

    beforeAll(async () => {
      t = await createTestHub({ dialect, coordination });
    });
    afterAll(() => t?.close());

    it('answers ten concurrent refreshes of one token with one successor, and the session stays alive', async () => {
      const u = await createUser(t);
      const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(u.refreshToken)));
      expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(200));
      const successors = new Set(answers.map((a) => a.json().refreshToken));
      expect(successors.size).toBe(1);
      const [successor] = successors;
      expect(successor).not.toBe(u.refreshToken);
      for (const a of answers) {
        const me = await t.app.inject({
          url: '/api/v1/me',
          headers: { authorization: `Bearer ${a.json().accessToken}` },
        });
        expect(me.statusCode).toBe(200);
      }
      // A tab that comes back with the old token a moment later gets the same successor too.
      expect((await refresh(u.refreshToken)).json().refreshToken).toBe(successor);
      // The family goes on.
      const next = await refresh(successor!);
      expect(next.statusCode).toBe(200);
      expect((await refresh(next.json().refreshToken)).statusCode).toBe(200);
    });

    it('still calls it reuse, and revokes the family, from another client within the grace', async () => {
      const u = await createUser(t);
      const first = await refresh(u.refreshToken);
      expect(first.statusCode).toBe(200);
      const stranger = await refresh(u.refreshToken, 'curl/8.0');
      expect(stranger.statusCode).toBe(401);
      expect((await refresh(first.json().refreshToken)).statusCode).toBe(401);
    });

    it('still calls it reuse, and revokes the family, once the successor was used', async () => {
      const u = await createUser(t);
      const first = (await refresh(u.refreshToken)).json();
      expect((await refresh(first.refreshToken)).statusCode).toBe(200);
      expect((await refresh(u.refreshToken)).statusCode).toBe(401);
      const me = await t.app.inject({
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${first.accessToken}` },
      });
      expect(me.statusCode).toBe(401);
    });

    it('calls it reuse after the grace, and revokes the family', async () => {
      let now = Date.now();
      const sessions = createSessionsService(t.database.db, {
        ttlMs: 3600_000,
        cache: t.coordination.cache,
        now: () => now,
      });
      const u = await createUser(t);
      const { refreshToken } = await sessions.start(u.user.id, { userAgent: 'tab-browser/1.0' });
      const meta = { userAgent: 'tab-browser/1.0' };
      const rotated = await sessions.rotate(refreshToken, meta);
      now += 1_000;
      expect((await sessions.rotate(refreshToken, meta)).refreshToken).toBe(rotated.refreshToken);
      now += REFRESH_GRACE_MS;
      await expect(sessions.rotate(refreshToken, meta)).rejects.toMatchObject({ code: 'invalid_token' });
      await expect(sessions.rotate(rotated.refreshToken, meta)).rejects.toMatchObject({
        code: 'invalid_token',
      });
      expect(await sessions.isActive(rotated.sessionId, u.user.id)).toBe(false);
    });
  });
}

describe('grace entries', () => {
  it('open only with the token they were sealed for', () => {
    const sealed = sealGraceEntry({ successor: 'rt_next', userAgent: null }, 'rt_first');
    expect(sealed).not.toContain('rt_next');
    expect(openGraceEntry(sealed, 'rt_first')).toEqual({ successor: 'rt_next', userAgent: null });
    expect(openGraceEntry(sealed, 'rt_other')).toBeNull();
    expect(openGraceEntry(`${sealed.slice(0, -2)}AA`, 'rt_first')).toBeNull();
    expect(openGraceEntry('garbage', 'rt_first')).toBeNull();
  });
});
