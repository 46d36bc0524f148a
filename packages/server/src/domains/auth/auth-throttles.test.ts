import { testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../../../test/fakes/index.js';
import { createUser } from '../../../test/support/auth-fixtures.js';
import { capturedLog } from '../../../test/support/captured-log.js';
import { createTestHub, type TestHub } from '../../../test/support/test-hub.js';

for (const dialect of await testDialects()) {
  const coordination = dialect === 'postgres' ? 'redis' : 'memory';
  describe(`auth throttles on ${dialect} + ${coordination}`, () => {
    let t: TestHub;
    let sink: SmtpSink;
    const log = capturedLog('info');
    /** A POST from `from` (each test uses addresses of its own: the windows outlive a test). */
    const post = (url: string, payload: object, from: string) =>
      t.app.inject({ method: 'POST', url, payload, remoteAddress: from });
    const expectThrottled = (res: Awaited<ReturnType<typeof post>>, what: RegExp) => {
      expect(res.statusCode).toBe(429);
      expect(res.json().error.code).toBe('rate_limited');
      expect(res.json().error.message).toMatch(what);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    };

    beforeAll(async () => {
      sink = await startSmtpSink();
      t = await createTestHub({
        dialect,
        coordination,
        env: { SMTP_URL: `${sink.url}?ignoreTLS=true`, LOG_LEVEL: 'info' },
        logger: log.logger,
      });
    });
    afterAll(async () => {
      await t?.close();
      await sink?.close();
    });
    beforeEach(() => sink.clear());

    it("a stranger's wrong passwords lock out the stranger's address only: the owner gets in from elsewhere", async () => {
      const owner = await createUser(t);
      const login = (password: string, from: string) =>
        post('/api/v1/auth/login', { email: owner.user.email, password }, from);
      for (let i = 0; i < 10; i++) {
        expect((await login(`guess number ${i}`, '203.0.113.66')).statusCode).toBe(401);
      }
      expectThrottled(await login('guess number 10', '203.0.113.66'), /sign-in attempts from this address/);
      // Even the right password is refused from the stranger's address...
      expect((await login(owner.password, '203.0.113.66')).statusCode).toBe(429);
      // ...and accepted from the owner's.
      expect((await login(owner.password, '198.51.100.20')).statusCode).toBe(200);
      // An IPv6 stranger counts by /64: hopping addresses within it buys nothing.
      for (let i = 1; i <= 10; i++) {
        expect((await login(`v6 guess ${i}`, `2001:db8:66:1::${i}`)).statusCode).toBe(401);
      }
      expect((await login('v6 guess 11', '2001:db8:66:1::ff')).statusCode).toBe(429);
    });

    it('limits one address spraying many accounts', async () => {
      const from = '203.0.113.77';
      for (let i = 0; i < 100; i++) {
        const res = await post(
          '/api/v1/auth/login',
          { email: `spray-${i}@example.com`, password: 'nope' },
          from,
        );
        expect(res.statusCode).toBe(401);
      }
      expectThrottled(
        await post('/api/v1/auth/login', { email: 'spray-x@example.com', password: 'nope' }, from),
        /sign-in attempts/,
      );
    });

    it('throttles sign-ups per address', async () => {
      const register = (i: number, from: string) =>
        post(
          '/api/v1/auth/register',
          { email: `signup-${from}-${i}@example.com`, password: `a fine passphrase ${i}` },
          from,
        );
      const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => register(i, '203.0.113.88')));
      const codes = answers.map((a) => a.statusCode).sort();
      expect(codes.filter((c) => c === 201)).toHaveLength(20);
      expect(codes.filter((c) => c === 429)).toHaveLength(4);
      expectThrottled(answers.find((a) => a.statusCode === 429)!, /sign-ups from this address/);
      expect((await register(0, '198.51.100.88')).statusCode).toBe(201);
    });

    it('throttles reset requests per address (429 whatever the account) and reset emails per account', async () => {
      const u = await createUser(t);
      for (let i = 0; i < 10; i++) {
        const email = i % 2 === 0 ? u.user.email : `ghost-${i}@example.com`;
        expect((await post('/api/v1/auth/forgot-password', { email }, '203.0.113.99')).statusCode).toBe(202);
      }
      expectThrottled(
        await post('/api/v1/auth/forgot-password', { email: 'ghost@example.com' }, '203.0.113.99'),
        /password reset requests from this address/,
      );
      // Five of those were for the account: from other addresses now, it gets no more this hour.
      for (let i = 0; i < 8; i++) {
        const res = await post(
          '/api/v1/auth/forgot-password',
          { email: u.user.email },
          `198.51.100.${100 + i}`,
        );
        expect(res.statusCode).toBe(202);
      }
      const resetMails = () =>
        sink.messages.filter((m) => m.to.includes(u.user.email) && /Reset your/.test(m.subject));
      await expect.poll(() => resetMails().length).toBe(5);
      // The next eight were dropped silently (202 all the same), and said so in the log.
      await expect
        .poll(() => log.find(/reset email not sent: this account had its hourly share/).length)
        .toBe(8);
      expect(resetMails()).toHaveLength(5);
    });

    it('throttles reset attempts per address', async () => {
      for (let i = 0; i < 10; i++) {
        const res = await post(
          '/api/v1/auth/reset-password',
          { token: `not-a-token-${i}`, password: 'a fine new passphrase' },
          '203.0.113.111',
        );
        expect(res.statusCode).toBe(400);
      }
      expectThrottled(
        await post(
          '/api/v1/auth/reset-password',
          { token: 'x', password: 'a fine new passphrase' },
          '203.0.113.111',
        ),
        /password resets from this address/,
      );
      const other = await post(
        '/api/v1/auth/reset-password',
        { token: 'x', password: 'a fine new passphrase' },
        '198.51.100.111',
      );
      expect(other.statusCode).toBe(400);
    });
  });
}
